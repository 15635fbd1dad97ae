import { hash } from 'node:crypto';

/**
 * Our stable event id: `evt_` + 22 base64url characters of SHA-256 over platform, account
 * and the source's de-dup key, so a re-sent notification gets the same id (idempotent at every hop).
 *
 * @example
 * salesforceEventId('00D5e000000KQ2eEAG', '04l5e000001XyZaAAK'); // 'evt_…' (26 characters)
 */
export function salesforceEventId(accountId: string, externalId: string): string {
  // One-shot `hash` (Node ≥ 20.12): no Hash object per notification on the ingest path.
  const digest = hash('sha256', `salesforce\n${accountId}\n${externalId}`, 'base64url');
  return `evt_${digest.slice(0, 22)}`;
}

/** An ISO-8601 instant from a Salesforce timestamp (ISO string or epoch ms), else `null`. */
export function toIsoInstant(value: string | number | bigint | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = new Date(typeof value === 'bigint' ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
