import type { MailStatus } from './schema.js';

/**
 * Rank of each status on the way to the recipient. Statuses arrive out of order (a platform
 * retries, batches and parallelises its webhooks), so a piece's current status is the
 * highest rank seen: `printed` after `mailed` is kept in the timeline but changes nothing.
 * Terminal statuses outrank the journey; among them the later one reported wins only if it
 * ranks higher, so every order of the same reports ends in the same status.
 * `address_corrected` has no rank: it never becomes the current status.
 */
const RANK: Readonly<Record<MailStatus, number | null>> = {
  accepted: 1,
  printed: 2,
  mailed: 3,
  in_transit: 4,
  delivered: 5,
  // Terminal: nothing after them moves the piece. A return comes after a delivery attempt,
  // a cancellation or rejection before printing; their mutual order only breaks ties.
  cancelled: 6,
  rejected: 7,
  returned_to_sender: 8,
  address_corrected: null,
};

/** True for statuses after which the piece does not move any more. */
export function isTerminalMailStatus(status: MailStatus): boolean {
  return status === 'rejected' || status === 'returned_to_sender' || status === 'cancelled';
}

/** The ordering rank of a status; `null` for informational ones (`address_corrected`). */
export function mailStatusRank(status: MailStatus): number | null {
  return RANK[status];
}

/**
 * The piece's current status after a report: the incoming status when it moves the piece
 * forward, else the current one. Never moves backwards; informational statuses never
 * become current. Commutative and idempotent (a join on a total order), so duplicates and
 * any arrival order end in the same status.
 *
 * @example
 * applyStatus('mailed', 'printed'); // 'mailed'
 * applyStatus(null, 'accepted'); // 'accepted'
 * applyStatus('delivered', 'returned_to_sender'); // 'returned_to_sender'
 */
export function applyStatus(current: MailStatus | null, incoming: MailStatus): MailStatus | null {
  const next = RANK[incoming];
  if (next === null) return current;
  if (current === null) return incoming;
  const now = RANK[current] ?? 0;
  return next > now ? incoming : current;
}
