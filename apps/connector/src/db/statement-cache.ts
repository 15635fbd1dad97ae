import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

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

const sqliteByKysely = new WeakMap<object, SQLite.Database>();

/** Remembers the better-sqlite3 database under a Kysely instance (`openDatabase` does). */
export function rememberSqlite(db: object, sqlite: SQLite.Database): void {
  sqliteByKysely.set(db, sqlite);
}

/**
 * The better-sqlite3 database a Kysely instance from `openDatabase` runs on, for hot paths
 * that run their own prepared statements inside a Kysely transaction (which holds the one
 * connection, so they join it). Undefined for PostgreSQL and other Kysely instances.
 */
export function sqliteOf(db: object): SQLite.Database | undefined {
  return sqliteByKysely.get(db);
}
