export { applyStatus, isTerminalMailStatus, mailStatusRank } from './lattice.js';
export {
  MAIL_STATUSES,
  type MailStatus,
  type MailStatusReport,
  mailStatusSchema,
  type ReportedAddress,
  reportedAddressSchema,
} from './schema.js';
export { signWebhook } from './sign.js';
export { type MailStatusVerification, verifyMailStatus } from './verify.js';
