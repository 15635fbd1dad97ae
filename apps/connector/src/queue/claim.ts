import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { relaxCommit } from '../db/relaxed-commit.js';
import type { Database, EventTable, OutboxTable, TriggerTable } from '../db/types.js';

/** The three tables worked as leased queues. */
export type LeasedTable = 'events' | 'triggers' | 'outbox';
export type Row<T extends LeasedTable> = Selectable<Database[T]>;

export interface ClaimOptions<T extends LeasedTable> {
  db: Kysely<Database>;
  dialect: Dialect;
  table: T;
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** Extra filter: `pending` rows, and for triggers/outbox only due ones. */
  due: boolean;
  orderBy: 'received_at' | 'next_attempt_at';
}

/**
 * Claims up to `limit` pending rows with an expiring lease in one statement. On
 * PostgreSQL the candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so processes
 * never wait on each other; SQLite has a single writer and needs no row locks. A row
 * whose holder crashed becomes claimable again when its lease runs out.
 */
export async function claim<T extends LeasedTable>(options: ClaimOptions<T>): Promise<Row<T>[]> {
  const { db, dialect, owner, now, leaseMs, limit } = options;
  const table = options.table as 'events';
  let candidates = db
    .selectFrom(table)
    .select('id')
    .where('status', '=', 'pending')
    .where('lease_until', '<', now)
    .orderBy(options.orderBy as 'received_at')
    .limit(limit);
  if (options.due) candidates = candidates.where('next_attempt_at' as 'received_at', '<=', now);
  if (dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
  const update = (trx: Kysely<Database>) =>
    trx
      .updateTable(table)
      .set({ lease_owner: owner, lease_until: now + leaseMs })
      .where('id', 'in', candidates)
      .returningAll()
      .execute();
  // A lost claim is harmless (the rows stay claimable), so PostgreSQL need not flush it.
  const rows =
    dialect === 'postgres'
      ? await db.transaction().execute(async (trx) => {
          await relaxCommit(trx, dialect);
          return update(trx);
        })
      : await update(db);
  return rows as unknown as Row<T>[];
}

export type EventRow = Selectable<EventTable>;
export type TriggerRow = Selectable<TriggerTable>;
export type OutboxRow = Selectable<OutboxTable>;
