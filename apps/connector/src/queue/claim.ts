import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { relaxCommit } from '../db/relaxed-commit.js';
import { preparedOn, sqliteOf } from '../db/statement-cache.js';
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
 * texts (the rowids go as one JSON array), so they stay prepared. On a database from
 * `openDatabase` they run as better-sqlite3 statements of their own while the Kysely
 * connection is held, without a Kysely query per step.
 */
async function claimOnSqlite<T extends LeasedTable>(options: ClaimOptions<T>): Promise<Row<T>[]> {
  const { db, owner, now, leaseMs, limit, due } = options;
  const { select, lease } = sqliteClaimTexts(options);
  const leaseUntil = now + leaseMs;
  const parameters = due ? ['pending', now, now, limit] : ['pending', now, limit];
  const sqlite = sqliteOf(db);
  return db.connection().execute(async (connection) => {
    if (sqlite) {
      preparedOn(sqlite, 'begin immediate').run();
      try {
        const statement = preparedOn(sqlite, select);
        const rows =
          options.table === 'events'
            ? leasedEvents(statement.raw(true).all(parameters) as unknown[][], owner, leaseUntil)
            : leased(statement.all(parameters) as ClaimedRow[], owner, leaseUntil);
        if (rows.rowids.length > 0)
          preparedOn(sqlite, lease).run(owner, leaseUntil, JSON.stringify(rows.rowids));
        preparedOn(sqlite, 'commit').run();
        return rows.rows as unknown as Row<T>[];
      } catch (error) {
        if (sqlite.inTransaction) preparedOn(sqlite, 'rollback').run();
        throw error;
      }
    }
    await sql`begin immediate`.execute(connection);
    try {
      const found = await connection.executeQuery(CompiledQuery.raw(select, parameters));
      const rows = leased(found.rows as ClaimedRow[], owner, leaseUntil);
      if (rows.rowids.length > 0)
        await connection.executeQuery(
          CompiledQuery.raw(lease, [owner, leaseUntil, JSON.stringify(rows.rowids)]),
        );
      await sql`commit`.execute(connection);
      return rows.rows as unknown as Row<T>[];
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

interface ClaimedRow {
  status?: string;
  lease_owner: string | null;
  lease_until: number;
  claim_rowid?: number;
}

/**
 * The event columns the claim reads: all but the ones it knows (`status` is `pending`, the
 * lease is its own) and the previous run's quiet decision set, which the worker never reads
 * (a replay finds its runs in the table). Fewer columns, less for SQLite to hand over per
 * row: the claim's select took ~40 % less time than `select *` on a bench database.
 */
// In this order: `leasedEvents` reads the raw rows by position.
const EVENT_CLAIM_COLUMNS = [
  'id',
  'platform',
  'account_id',
  'external_id',
  'workspace_id',
  'channel',
  'object_type',
  'object_id',
  'kind',
  'occurred_at',
  'received_at',
  'raw_delivery_id',
  'payload',
  'reason',
  'attempts',
  'processed_at',
] as const satisfies readonly (keyof EventTable)[];

/**
 * The claimed event rows, leased to `owner`, and their rowids, from better-sqlite3's raw rows
 * (arrays: `EVENT_CLAIM_COLUMNS` in order, then the rowid). better-sqlite3 builds a row object
 * by setting each column by name, the name looked up anew for every row; one object literal of
 * a fixed shape per row made the claim's select about a third cheaper (pipeline bench).
 */
function leasedEvents(raw: unknown[][], owner: string, leaseUntil: number) {
  const rows: unknown[] = new Array(raw.length);
  const rowids: number[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i] as unknown[];
    rows[i] = {
      id: r[0],
      platform: r[1],
      account_id: r[2],
      external_id: r[3],
      workspace_id: r[4],
      channel: r[5],
      object_type: r[6],
      object_id: r[7],
      kind: r[8],
      occurred_at: r[9],
      received_at: r[10],
      raw_delivery_id: r[11],
      payload: r[12],
      reason: r[13],
      attempts: r[14],
      processed_at: r[15],
      status: 'pending',
      lease_owner: owner,
      lease_until: leaseUntil,
    };
    rowids[i] = r[16] as number;
  }
  return { rows, rowids };
}

const claimTexts = new Map<string, { select: string; lease: string }>();

/** The claim's two SQL texts for one table and shape, built once. */
function sqliteClaimTexts(options: Pick<ClaimOptions<LeasedTable>, 'table' | 'due' | 'orderBy'>) {
  const table = tableName(options.table);
  const key = `${table}|${options.due}|${options.orderBy}`;
  let texts = claimTexts.get(key);
  if (texts === undefined) {
    const columns = table === 'events' ? EVENT_CLAIM_COLUMNS.map((c) => `"${c}"`).join(', ') : '*';
    texts = {
      select: `select ${columns}, rowid as "claim_rowid" from "${table}" where "status" = ? and "lease_until" < ?${options.due ? ' and "next_attempt_at" <= ?' : ''} order by "${options.orderBy}" limit ?`,
      lease: `update "${table}" set "lease_owner" = ?, "lease_until" = ? where rowid in (select value from json_each(?))`,
    };
    claimTexts.set(key, texts);
  }
  return texts;
}

/**
 * The claimed rows as leased to `owner`, and their rowids. In place, no copies: the rowid
 * column comes last, and deleting the last property added keeps the row a fast object in V8
 * (a rest spread per row was 3 % of the drain).
 */
function leased(rows: ClaimedRow[], owner: string, leaseUntil: number) {
  const rowids: number[] = [];
  for (const row of rows) {
    rowids.push(row.claim_rowid as number);
    delete row.claim_rowid;
    row.status = 'pending';
    row.lease_owner = owner;
    row.lease_until = leaseUntil;
  }
  return { rows, rowids };
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
