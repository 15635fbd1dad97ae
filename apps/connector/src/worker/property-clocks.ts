import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { preparedOn, sqliteOf } from '../db/statement-cache.js';
import type { Database, PropertyClockTable } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import { insertChunks } from '../store/decisions.js';

const COLUMNS = ['workspace_id', 'record_ref', 'property', 'occurred_at', 'event_id'] as const;

// Statement texts by placeholder style and row count; the counts come from `insertChunks`
// (few sizes), so SQLite's prepared statement cache (db/statement-cache.ts) keeps them too.
const texts = new Map<string, string>();

function upsertText(numbered: boolean, rows: number): string {
  const key = `${numbered}|${rows}`;
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${COLUMNS.map(() => (numbered ? `$${++n}` : '?')).join(', ')})`;
    text =
      `insert into "property_clocks" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')} ` +
      'on conflict ("workspace_id", "record_ref", "property") do update set "occurred_at" = excluded."occurred_at", "event_id" = excluded."event_id" ' +
      'where "property_clocks"."occurred_at" < excluded."occurred_at"';
    texts.set(key, text);
  }
  return text;
}

function byClockKey(a: PropertyClockTable, b: PropertyClockTable): number {
  return (
    compare(a.workspace_id, b.workspace_id) ||
    compare(a.record_ref, b.record_ref) ||
    compare(a.property, b.property)
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Writes the advanced clocks: one upsert per chunk, which never moves a concurrent batch's
 * newer clock back (`where occurred_at < excluded.occurred_at`). The same statement Kysely's
 * builder made, as text cached by shape: building it per batch (500 rows) was most of the
 * clocks' cost in the decision pipeline's cpu-prof, not SQLite running it.
 */
export async function saveClocks(
  trx: Kysely<Database>,
  dialect: Dialect,
  rows: readonly PropertyClockTable[],
): Promise<void> {
  if (rows.length === 0) return;
  // `$1` for PostgreSQL, `?` for SQLite.
  const numbered = dialect === 'postgres';
  // PostgreSQL, in key order: concurrent batches (several workers) upserting the same
  // records' clocks then take the row locks in the same order, so one waits for the other
  // instead of both deadlocking (PostgreSQL would abort one of them and its whole batch is
  // redone; property-clocks.test.ts). SQLite has one writer at a time.
  // https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS
  const ordered = numbered ? [...rows].sort(byClockKey) : rows;
  for (const [from, to] of insertChunks(ordered.length, dialect)) {
    const chunk = ordered.slice(from, to);
    const parameters: unknown[] = [];
    for (const row of chunk)
      parameters.push(row.workspace_id, row.record_ref, row.property, row.occurred_at, row.event_id);
    await trx.executeQuery(CompiledQuery.raw(upsertText(numbered, chunk.length), parameters));
  }
}

const READ_CLOCKS = `select ${COLUMNS.map((c) => `"${c}"`).join(', ')} from "property_clocks" where "workspace_id" in (select value from json_each(?)) and "record_ref" in (select value from json_each(?))`;

/**
 * Calls `each` with the stored clock of every property of these records in these
 * workspaces (`occurredAt` in epoch ms). Each list is one bound parameter, so the text stays
 * one prepared statement. On a SQLite database from `openDatabase` the rows come as arrays
 * from the connection's own prepared statement (`raw`): no object per row, ~30 % less time
 * than the same select through Kysely on a bench database.
 */
export async function readClocks(
  trx: Kysely<Database>,
  workspaceIds: readonly string[],
  refs: readonly string[],
  each: (workspaceId: string, ref: string, property: string, occurredAt: number, eventId: string) => void,
): Promise<void> {
  const sqlite = sqliteOf(trx);
  if (sqlite) {
    const rows = preparedOn(sqlite, READ_CLOCKS)
      .raw(true)
      .all(JSON.stringify(workspaceIds), JSON.stringify(refs)) as [string, string, string, number, string][];
    for (const r of rows) each(r[0], r[1], r[2], Number(r[3]), r[4]);
    return;
  }
  const rows = await trx
    .selectFrom('property_clocks')
    .select(COLUMNS)
    .where(inValues(trx, 'workspace_id', workspaceIds))
    .where(inValues(trx, 'record_ref', refs))
    .execute();
  for (const r of rows) each(r.workspace_id, r.record_ref, r.property, Number(r.occurred_at), r.event_id);
}
