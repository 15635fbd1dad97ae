import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Directory for files beside the database (the generated admin token). */
  dataDir: string;
  ping(): Promise<boolean>;
  /**
   * Runs `fn` with commits that skip the fsync (SQLite `synchronous = NORMAL` on its one
   * connection, held for the duration). For work whose loss in a power failure (not a
   * process crash: WAL keeps those commits) is harmless because it is redone: claims,
   * decisions (same dedupe keys, same trigger ids), delivery bookkeeping. Never for the
   * inbox write before an ACK. PostgreSQL runs `fn` as it is.
   */
  relaxed<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/hookpost.db';

// BIGINT columns hold epoch milliseconds, well inside Number's safe range; pg returns
// them as strings unless told otherwise.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface OpenOptions {
  /**
   * Open for reading only (CLI read-only commands): SQLite opens the file read-only and
   * fails if it does not exist; PostgreSQL sessions default to read-only transactions.
   */
  readOnly?: boolean;
}

/** Opens `sqlite:<file>` (WAL) or `postgres://…` from DATABASE_URL. */
export function openDatabase(
  url = DEFAULT_DATABASE_URL,
  cwd = process.cwd(),
  options: OpenOptions = {},
): DatabaseHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return openPostgres(url, cwd, options);
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), cwd, options);
  throw new Error(
    `[@hookpost/connector] DATABASE_URL must start with sqlite: or postgres:// (got "${redactUrl(url)}")`,
  );
}

/**
 * Where files beside the database live (the generated admin token): the SQLite file's
 * directory, else `./data`. Worked out without opening the database.
 */
export function dataDirFor(url: string, cwd = process.cwd()): string {
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length);
    if (target !== '' && target !== ':memory:') return path.dirname(path.resolve(cwd, target));
  }
  return path.resolve(cwd, 'data');
}

/** The SQLite file a `sqlite:` URL names (null for in-memory), resolved against `cwd`. */
export function sqliteFileOf(url: string, cwd = process.cwd()): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const target = url.slice('sqlite:'.length);
  return target === ':memory:' || target === '' ? null : path.resolve(cwd, target);
}

function openSqlite(target: string, cwd: string, { readOnly = false }: OpenOptions): DatabaseHandle {
  const memory = target === ':memory:' || target === '';
  const file = memory ? ':memory:' : path.resolve(cwd, target);
  const dataDir = dataDirFor(`sqlite:${target}`, cwd);
  if (!memory && !readOnly) createPrivately(dataDir, file);
  const sqlite = new SQLite(file, readOnly ? { readonly: true, fileMustExist: true } : {});
  if (!readOnly) sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before we acknowledge, even across power loss. Group
  // commit in the ingest queue pays for the extra fsync.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint every ~32 MB of WAL rather than every 4 MB: each checkpoint copies pages
  // back and fsyncs the database file, and under ingest load the default makes that a
  // large share of the write time (measured with bench/). https://sqlite.org/wal.html#ckpt
  sqlite.pragma('wal_autocheckpoint = 8000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingPrepare(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    dataDir,
    relaxed: (fn) =>
      db.connection().execute(async (connection) => {
        await sql`pragma synchronous = normal`.execute(connection);
        try {
          return await fn(connection);
        } finally {
          await sql`pragma synchronous = full`.execute(connection);
        }
      }),
    async ping() {
      try {
        sqlite.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Prepared statements kept per SQL text; the decision worker's batch runs ~20 shapes. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * The connection as Kysely's SQLite driver sees it, with `prepare` answered from a small
 * LRU cache by SQL text: the driver prepares every query afresh, and preparing the worker's
 * 500-row decision insert cost as much as running it (measured with `node --cpu-prof` in
 * `bench/pipeline.ts`: better-sqlite3 `prepare` was 10 % of the pipeline's CPU). A statement
 * still being iterated (a streamed query) is busy: that text is prepared anew.
 * https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#preparestring---statement
 */
function cachingPrepare(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (text: string): SQLite.Statement => {
    const cached = cache.get(text);
    if (cached && !cached.busy) {
      cache.delete(text);
      cache.set(text, cached);
      return cached;
    }
    const statement = sqlite.prepare(text);
    if (cached) return statement;
    cache.set(text, statement);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The data directory (0700, when we create it) and the database file (0600) are private:
 * they hold CRM data and OAuth tokens. The file is created before SQLite opens it because
 * SQLite gives its `-wal` and `-shm` files the database file's permissions
 * (https://sqlite.org/tempfiles.html); an existing database and its companions are tightened.
 */
function createPrivately(dataDir: string, file: string): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(existing)) chmodSync(existing, 0o600);
  }
}

function openPostgres(url: string, cwd: string, { readOnly = false }: OpenOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.HOOKPOST_PG_POOL_SIZE ?? 10),
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A checked-out client has no pool listener: when the server dies (crash, failover,
  // restart) it emits 'error', which unhandled kills the process. Its query still rejects,
  // and the pool drops the dead client on release.
  // https://github.com/brianc/node-postgres/issues/2439
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    dataDir: dataDirFor(url, cwd),
    relaxed: (fn) => fn(db),
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
