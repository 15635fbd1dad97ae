export * from './adapter/index.js';
export * from './cdc/index.js';
export * from './client/index.js';
export * from './errors.js';
export { salesforceEventId } from './event-id.js';
export * from './org-id.js';
export * from './outbound/ack.js';
export * from './outbound/build.js';
export * from './outbound/middleware.js';
export * from './outbound/normalise.js';
export * from './outbound/parse.js';
export * from './outbound/redact.js';
export * from './outbound/token.js';
export * from './outbound/types.js';
export type { XmlLimits } from './outbound/xml-limits.js';
export {
  type CorrectedAddress,
  MAIL_RECORD_FIELDS,
  type MailActivityInput,
  writeCorrectedAddress,
  writeMailActivity,
} from './write-back/mail-activity.js';
