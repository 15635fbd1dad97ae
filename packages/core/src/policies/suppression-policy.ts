import type { Recipient } from '../address.js';
import { hashAddress, hashCrmRef, hashEmail, recipientKey } from './hash.js';
import type { PolicyLookups, SuppressionQuery } from './lookups.js';
import { ALLOW, type PolicyResult } from './result.js';

/**
 * The suppression query for a recipient: its key and the hashes of ref, e-mail and address.
 * Store these hashes when a recipient objects or is privacy-deleted.
 *
 * @example
 * const { crmHash, emailHash, addressHash } = suppressionQuery(recipient);
 */
export function suppressionQuery(recipient: Recipient): SuppressionQuery {
  return {
    recipientKey: recipientKey(recipient),
    crmHash: hashCrmRef(recipient.crm),
    emailHash: hashEmail(recipient.email),
    addressHash: hashAddress(recipient.address),
  };
}

/**
 * `suppressed` when the recipient objected (GDPR Art. 21, UWG §7): by CRM record, by hashed
 * e-mail or by hashed normalised address, so an objection survives a privacy deletion.
 *
 * @example
 * await checkSuppression(recipient, lookups); // { allow: false, reason: 'suppressed' }
 */
export async function checkSuppression(
  recipient: Recipient,
  lookups: Pick<PolicyLookups, 'isSuppressed'>,
): Promise<PolicyResult> {
  return (await lookups.isSuppressed(suppressionQuery(recipient)))
    ? { allow: false, reason: 'suppressed' }
    : ALLOW;
}
