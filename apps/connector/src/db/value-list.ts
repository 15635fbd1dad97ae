import { type Kysely, type RawBuilder, type SqlBool, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: any schema; the SQL names only the column the caller gives
type AnyKysely = Kysely<any>;

/** True when `db` (a Kysely instance, transaction or connection) runs on SQLite. */
export const onSqlite = (db: AnyKysely): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * `column IN (…values)` with the whole list as ONE bound parameter: on SQLite
 * `IN (SELECT value FROM json_each(?))` over a JSON array, on PostgreSQL `= ANY($1)` over an
 * array. The SQL text is the same for every list length, so the prepared statement is reused
 * (the statement cache keys on the text; `IN (?, ?, …)` was a new statement for each length,
 * prepared again) and no bound-parameter limit applies. Values are strings or numbers.
 * https://sqlite.org/json1.html#jeach · https://www.postgresql.org/docs/current/functions-comparisons.html#FUNCTIONS-COMPARISONS-ANY-SOME
 */
export function inValues(
  db: AnyKysely,
  column: string,
  values: readonly (string | number)[],
): RawBuilder<SqlBool> {
  return onSqlite(db)
    ? sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`
    : sql<SqlBool>`${sql.ref(column)} = any(${values})`;
}
