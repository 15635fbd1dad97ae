import type { CampaignPolicy } from '../campaign.js';
import { parseDurationMs } from '../duration.js';

/**
 * When the piece should go out: `now + policy.delay` as ISO-8601, or null for "now".
 * The mail platform schedules on it (Lob `send_date`); the connector re-checks the
 * trigger and policies before handing it off.
 *
 * @example
 * sendAt({ oncePerRecipient: true, delay: 'P2D' }, new Date('2026-11-27T10:00:00Z')); // '2026-11-29T10:00:00.000Z'
 */
export function sendAt(policy: CampaignPolicy, now: Date): string | null {
  if (policy.delay === undefined) return null;
  const delayMs = parseDurationMs(policy.delay);
  return delayMs === null || delayMs === 0 ? null : new Date(now.getTime() + delayMs).toISOString();
}
