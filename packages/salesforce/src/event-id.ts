import { eventIdFor } from '@hookpost/core';

/**
 * Our stable event id (`eventIdFor('salesforce', …)` of `@hookpost/core`): derived from the
 * org id and the source's de-dup key, so a re-sent notification or a replayed change event
 * gets the same id (idempotent at every hop).
 *
 * - With `commitTimestampMs` (Change Data Capture: the change event header's
 *   `commitTimestamp`, the transaction's commit time, fixed for the change event however often
 *   it is replayed): `evt_` + 10 base-36 characters of that time + 16 base64url characters of
 *   SHA-256 over platform, org and key (30 characters). Ids then grow with time, so new rows
 *   are appended to the primary-key index instead of landing on random leaves of it.
 * - Without (outbound messages: Salesforce sends the record's fields as they are when a retry
 *   goes out, so no time in them is fixed per notification): `evt_` + 22 base64url characters
 *   of the same SHA-256 (26 characters).
 *
 * @example
 * salesforceEventId('00D5e000000KQ2eEAG', '04l5e000001XyZaAAK'); // 'evt_…' (26 characters)
 * salesforceEventId('00D5e000000KQ2eEAG', 'b1e4…:1:0035e00000AbCdEAAV', 1700000000000); // 'evt_00loyw3v28…' (30)
 */
export function salesforceEventId(accountId: string, externalId: string, commitTimestampMs?: number): string {
  return eventIdFor('salesforce', accountId, externalId, commitTimestampMs);
}

/** An ISO-8601 instant from a Salesforce timestamp (ISO string or epoch ms), else `null`. */
export function toIsoInstant(value: string | number | bigint | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = new Date(typeof value === 'bigint' ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
