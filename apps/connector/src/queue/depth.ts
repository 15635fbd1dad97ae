import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { Metrics } from '../metrics.js';
import type { LeasedTable } from './claim.js';

/** Every status each queue can hold, so a drained status reads 0 rather than disappearing. */
export const QUEUE_STATUSES = {
  events: ['pending', 'triggered', 'no_match', 'skipped', 'unrouted', 'dead', 'failed'],
  triggers: ['pending', 'delivered', 'cancelled', 'dead'],
  outbox: ['pending', 'done', 'dead'],
} as const satisfies Record<LeasedTable, readonly string[]>;

/** Rows of one queue by status, every known status listed (zero included). */
export async function countByStatus(
  db: Kysely<Database>,
  queue: LeasedTable,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom(queue as 'events')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<string, number> = Object.fromEntries(QUEUE_STATUSES[queue].map((s) => [s, 0]));
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** Sets `hookpost_queue_depth{queue,status}` for the three queues from one count each. */
export async function recordQueueDepth(db: Kysely<Database>, metrics: Metrics): Promise<void> {
  for (const queue of Object.keys(QUEUE_STATUSES) as LeasedTable[]) {
    const counts = await countByStatus(db, queue);
    for (const [status, n] of Object.entries(counts)) metrics.queueDepth.set({ queue, status }, n);
  }
}
