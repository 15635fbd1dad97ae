import { hash } from 'node:crypto';

/**
 * Our stable id of an event: `evt_` + 22 base64url characters of SHA-256 over the platform,
 * the CRM account and the source's de-duplication key, so a CRM's re-send of the same event
 * (or of the same unreadable item) maps to the same stored row.
 *
 * @example
 * eventIdFor('hubspot', '62515', '1:12345:101:1564113600000'); // 'evt_…'
 */
export function eventIdFor(platform: string, accountId: string, externalId: string): string {
  // One-shot `hash` (Node ≥ 20.12): no Hash object per event on the ingest path.
  const digest = hash('sha256', `${platform}\n${accountId}\n${externalId}`, 'base64url');
  return `evt_${digest.slice(0, 22)}`;
}
