import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';

const statements = new Map<string, string>();

/**
 * `INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING` for many rows of one table, as a
 * precompiled statement cached by shape. Written by hand for the ingest hot path only:
 * Kysely's builder spends ~0.7 ms assembling a 100-row × 19-column insert (measured in
 * `bench/`), a third of the store's time per HubSpot delivery. Column names come from our
 * own row objects, never from input. Returns how many rows were inserted.
 */
export async function insertManyIgnoringConflicts<T extends keyof Database>(
  db: Kysely<Database>,
  dialect: Dialect,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly Database[T][],
): Promise<number> {
  if (rows.length === 0) return 0;
  const key = `${dialect}|${table}|${columns.join(',')}|${rows.length}`;
  let text = statements.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`;
    const values = Array.from({ length: rows.length }, tuple).join(', ');
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${values} on conflict do nothing`;
    statements.set(key, text);
  }
  const parameters: unknown[] = [];
  for (const row of rows)
    for (const column of columns) parameters.push(row[column as keyof typeof row] ?? null);
  const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * SQLite only: the same insert as one prepared single-row statement (`… on conflict do
 * nothing`), run per row with its values bound by position from one reused array. Runs
 * inside the caller's Kysely transaction, which holds SQLite's one connection. No parameter
 * array and no statement compile per request: in the ingest profile (`node --cpu-prof`) the
 * multi-row insert through Kysely cost ~50 % more per row than this. Returns a function counting the rows inserted.
 */
export function sqliteInserter<T extends keyof Database>(
  sqlite: SQLite.Database,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
): (rows: readonly Database[T][]) => number {
  let statement: SQLite.Statement | undefined;
  // One array reused for every row's values, bound by position.
  const values: unknown[] = [];
  return (rows) => {
    // Prepared on first use: the table exists once migrations ran.
    statement ??= sqlite.prepare(
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict do nothing`,
    );
    let inserted = 0;
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = row[columns[i] as keyof typeof row] ?? null;
      inserted += statement.run(values).changes;
    }
    return inserted;
  };
}
