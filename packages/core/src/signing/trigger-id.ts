import { createHash } from 'node:crypto';

/** 26 base64url characters = 156 bits of SHA-256: collision-free at any realistic volume. */
const ID_CHARS = 26;

/**
 * The stable trigger id for a dedupe key: `trg_` + the first 26 base64url characters of
 * its SHA-256. Sent as `webhook-id`, so the mail platform can de-duplicate too.
 *
 * @example
 * triggerId(dedupeKey({ workspaceId: 'acme', campaignId: 'welcome-pack', recipient })); // 'trg_Xq3…' (30 chars)
 */
export function triggerId(dedupeKey: string): string {
  return `trg_${createHash('sha256').update(dedupeKey, 'utf8').digest('base64url').slice(0, ID_CHARS)}`;
}
