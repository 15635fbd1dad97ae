import type SQLite from 'better-sqlite3';
import type { Kysely, SqliteDatabase, SqliteStatement } from 'kysely';

/** Most prepared statements kept per database (the oldest is dropped first). */
export const DEFAULT_CACHED_STATEMENTS = 256;

/**
 * The better-sqlite3 database as Kysely's SQLite dialect sees it, with prepared statements
 * kept by SQL text. Kysely prepares every query anew; for the inbox's 100-row inserts that
 * compile was a fifth of the ingest CPU (`node --cpu-prof`, see BENCHMARKS.md). A statement
 * still being iterated (a stream) is never handed out twice: a busy one is prepared afresh.
 * https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#class-statement
 */
export function cachingStatements(
  sqlite: SQLite.Database,
  maxStatements = DEFAULT_CACHED_STATEMENTS,
): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) return cached as unknown as SqliteStatement;
      const statement = sqlite.prepare(sql);
      if (cached === undefined) {
        if (statements.size >= maxStatements) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: any schema; only the executor's adapter is read
type AnyKysely = Kysely<any>;

const sqliteByKysely = new WeakMap<object, SQLite.Database>();

/**
 * Remembers the better-sqlite3 database under a Kysely instance (`openDatabase` does), and
 * under its adapter: the transactions and connections Kysely derives from the instance
 * (`db.transaction()`, `db.connection()`) are new objects that share that one adapter.
 */
export function rememberSqlite(db: AnyKysely, sqlite: SQLite.Database): void {
  sqliteByKysely.set(db, sqlite);
  sqliteByKysely.set(db.getExecutor().adapter, sqlite);
}

/**
 * The better-sqlite3 database a Kysely instance from `openDatabase` runs on — the instance
 * itself or a transaction or connection derived from it — for hot paths that run their own
 * prepared statements. Only while the caller holds SQLite's one connection (inside
 * `db.transaction()` or `db.connection()`): then they join its transaction; outside, they
 * could land in another caller's open transaction. Undefined for PostgreSQL and other
 * Kysely instances (their callers keep the Kysely path).
 */
export function sqliteOf(db: object): SQLite.Database | undefined {
  const found = sqliteByKysely.get(db);
  if (found !== undefined) return found;
  const executor = (db as Partial<Pick<AnyKysely, 'getExecutor'>>).getExecutor?.();
  return executor ? sqliteByKysely.get(executor.adapter) : undefined;
}

const preparedBySqlite = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/**
 * `sql` prepared once per database and kept (a few fixed texts of the worker's hot
 * statements, so no eviction). Not for statements that can be iterated while run again.
 */
export function preparedOn(sqlite: SQLite.Database, sql: string): SQLite.Statement {
  let statements = preparedBySqlite.get(sqlite);
  if (statements === undefined) {
    statements = new Map();
    preparedBySqlite.set(sqlite, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = sqlite.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
