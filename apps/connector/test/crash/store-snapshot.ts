import { openDatabase } from '../../src/db/connect.js';

/** What the crash audit reads from the store once the queue has drained. */
export async function readSnapshot(databaseUrl: string) {
  const handle = openDatabase(databaseUrl);
  try {
    const db = handle.db;
    const [events, decisions, triggers, failed] = await Promise.all([
      db.selectFrom('events').select(['id', 'status', 'reason']).execute(),
      db
        .selectFrom('decisions')
        .select(['event_id', 'campaign_id', 'outcome', 'reason', 'trigger_id'])
        .execute(),
      db
        .selectFrom('triggers')
        .select([
          'id',
          'dedupe_key',
          'campaign_id',
          'event_id',
          'source_ref',
          'status',
          'reason',
          'attempts',
          'lease_owner',
          'lease_until',
        ])
        .execute(),
      db
        .selectFrom('delivery_attempts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('outcome', '!=', 'delivered')
        .executeTakeFirst(),
    ]);
    return { events, decisions, triggers, failedAttempts: Number(failed?.n ?? 0) };
  } finally {
    await handle.close();
  }
}

export type Snapshot = Awaited<ReturnType<typeof readSnapshot>>;

const SHOWN = 5;

/** Adds "N <what>: first five…" to `violations` when `items` is not empty. */
export function report(violations: string[], what: string, items: readonly string[]): void {
  if (items.length === 0) return;
  const more = items.length > SHOWN ? ` (+${items.length - SHOWN} more)` : '';
  violations.push(`${items.length} ${what}: ${items.slice(0, SHOWN).join(', ')}${more}`);
}
