import type { Recipient } from '../address.js';
import { NAME_REQUIRED, validateRecipient } from '../postal/validate-recipient.js';
import type { PolicyResult, SkipReason } from './result.js';

/**
 * Address completeness, first of the policies: `incomplete_address` (missing or malformed
 * fields, unknown country), then `undeliverable_address` (Packstation / Postfiliale),
 * then `missing_name`. Allows with the normalised recipient.
 *
 * @example
 * checkAddress(recipient); // { allow: false, reason: 'incomplete_address', detail: 'address.postalCode: expected 5 digits for DE, got "5114"' }
 */
export function checkAddress(
  recipient: unknown,
): { allow: true; value: Recipient } | Exclude<PolicyResult, { allow: true }> {
  const result = validateRecipient(recipient);
  if (result.ok) return { allow: true, value: result.value };
  const byReason = new Map<SkipReason, string[]>();
  for (const issue of result.issues) {
    const reason: SkipReason =
      issue.message === NAME_REQUIRED
        ? 'missing_name'
        : issue.message.startsWith('undeliverable')
          ? 'undeliverable_address'
          : 'incomplete_address';
    const list = byReason.get(reason) ?? [];
    list.push(`${issue.path}: ${issue.message}`);
    byReason.set(reason, list);
  }
  for (const reason of ['incomplete_address', 'undeliverable_address', 'missing_name'] as const) {
    const details = byReason.get(reason);
    if (details) return { allow: false, reason, detail: details.join('; ') };
  }
  /* c8 ignore next */
  return { allow: false, reason: 'incomplete_address' };
}
