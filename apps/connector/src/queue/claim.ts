import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
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
  if (dialect === 'sqlite') return claimOnSqlite(options);
  const table = options.table as 'events';
  let candidates = db
    .selectFrom(table)
    .select('id')
    .where('status', '=', 'pending')
    .where('lease_until', '<', now)
    .orderBy(options.orderBy as 'received_at')
    .limit(limit);
  if (options.due) candidates = candidates.where('next_attempt_at' as 'received_at', '<=', now);
  candidates = candidates.forUpdate().skipLocked();
  // A lost claim is harmless (the rows stay claimable), so PostgreSQL need not flush it.
  const rows = await db.transaction().execute(async (trx) => {
    await relaxCommit(trx, dialect);
    // The candidates in the work index's order (`status, received_at` / `status,
    // next_attempt_at`), stopping at `limit`. Right after a burst the table's statistics
    // still say few rows are pending (autovacuum analyses at most once a minute), and the
    // planner then chose a bitmap scan of EVERY pending row and a sort, per claim: the
    // claim's cost grew with the backlog (20,000 pending: 24 of a claim's 40 ms, EXPLAIN
    // ANALYZE in bench/postgres.ts). Without bitmap scans the ordered index scan is the plan.
    await sql`set local enable_bitmapscan = off`.execute(trx);
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
 * SQLite: read the candidate rows with their rowids, then lease exactly those by rowid, in
 * one `BEGIN IMMEDIATE` transaction (the write lock is held from the start, so no other
 * process's write lands between the two). One walk of the work index: before, the candidate
 * subquery ran twice (`… WHERE id IN (candidates)`, then `… WHERE rowid IN (candidates)`),
 * and `UPDATE … RETURNING *` was slower still — it buffers every row it changes before
 * handing one back (https://sqlite.org/lang_returning.html). Both statements are fixed SQL
 * texts (the rowids go as one JSON array), so they stay prepared.
 */
async function claimOnSqlite<T extends LeasedTable>(options: ClaimOptions<T>): Promise<Row<T>[]> {
  const { db, owner, now, leaseMs, limit, due, orderBy } = options;
  const table = tableName(options.table);
  const leaseUntil = now + leaseMs;
  const select = `select *, rowid as "claim_rowid" from "${table}" where "status" = ? and "lease_until" < ?${due ? ' and "next_attempt_at" <= ?' : ''} order by "${orderBy}" limit ?`;
  const lease = `update "${table}" set "lease_owner" = ?, "lease_until" = ? where rowid in (select value from json_each(?))`;
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const found = await connection.executeQuery(
        CompiledQuery.raw(select, due ? ['pending', now, now, limit] : ['pending', now, limit]),
      );
      const rows = found.rows as unknown as {
        lease_owner: string | null;
        lease_until: number;
        claim_rowid?: number;
      }[];
      const rowids: number[] = [];
      // In place, no copies: the rowid column comes last, and deleting the last property
      // added keeps the row a fast object in V8 (a rest spread per row was 3 % of the drain).
      for (const row of rows) {
        rowids.push(row.claim_rowid as number);
        delete row.claim_rowid;
        row.lease_owner = owner;
        row.lease_until = leaseUntil;
      }
      if (rows.length > 0)
        await connection.executeQuery(CompiledQuery.raw(lease, [owner, leaseUntil, JSON.stringify(rowids)]));
      await sql`commit`.execute(connection);
      return rows as unknown as Row<T>[];
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

/** The table's name for hand-written SQL: one of the three leased tables, never input. */
function tableName(table: LeasedTable): LeasedTable {
  if (table !== 'events' && table !== 'triggers' && table !== 'outbox')
    throw new Error(`[@hookpost/connector] not a leased table: ${String(table)}`);
  return table;
}

export type EventRow = Selectable<EventTable>;
export type TriggerRow = Selectable<TriggerTable>;
export type OutboxRow = Selectable<OutboxTable>;
