import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
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
  if (dialect === 'sqlite')
    return (await claimOnSqlite(db, table, owner, now + leaseMs, candidates)) as Row<T>[];
  // A lost claim is harmless (the rows stay claimable), so PostgreSQL need not flush it.
  const rows = await db.transaction().execute(async (trx) => {
    await relaxCommit(trx, dialect);
    return trx
      .updateTable(table)
      .set({ lease_owner: owner, lease_until: now + leaseMs })
      .where('id', 'in', candidates)
      .returningAll()
      .execute();
  });
  return rows as unknown as Row<T>[];
}

/**
 * SQLite: read the candidate rows, then lease them by rowid, in one `BEGIN IMMEDIATE`
 * transaction (the write lock is held from the start, so both statements see the same rows
 * and no other process's write lands between them). Measured on 500 stored events:
 * `UPDATE … RETURNING *` took 7–10 ms, this read plus a plain UPDATE 4–5 ms — RETURNING
 * buffers every row it changes before handing one back (https://sqlite.org/lang_returning.html).
 */
async function claimOnSqlite(
  db: Kysely<Database>,
  table: 'events',
  owner: string,
  leaseUntil: number,
  candidates: SelectQueryBuilder<Database, 'events', { id: string }>,
): Promise<Selectable<EventTable>[]> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const rows = await connection.selectFrom(table).selectAll().where('id', 'in', candidates).execute();
      if (rows.length > 0)
        await connection
          .updateTable(table)
          .set({ lease_owner: owner, lease_until: leaseUntil })
          .where(sql<string>`rowid`, 'in', candidates.clearSelect().select(sql<string>`rowid`.as('id')))
          .execute();
      await sql`commit`.execute(connection);
      return rows.map((r) => ({ ...r, lease_owner: owner, lease_until: leaseUntil }));
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

export type EventRow = Selectable<EventTable>;
export type TriggerRow = Selectable<TriggerTable>;
export type OutboxRow = Selectable<OutboxTable>;
