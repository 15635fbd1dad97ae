import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Pool } from 'pg';
import { beginImmediate } from './begin-immediate.js';
import { CHECKPOINT_DEFAULTS, type CheckpointerOptions, startCheckpointer } from './checkpoint.js';
import { namingClient } from './pg-named.js';
import { cachingStatements, rememberSqlite } from './statement-cache.js';
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

export interface OpenOptions {
  /**
   * Open for reading only (CLI read-only commands): SQLite opens the file read-only and
   * fails if it does not exist; PostgreSQL sessions default to read-only transactions.
   */
  readOnly?: boolean;
  /**
   * SQLite file opened for writing: WAL checkpoints run on a thread of their own
   * (`db/checkpoint.ts`), not inside a commit on this one. `false` leaves them to SQLite's
   * automatic checkpoint in the committing connection. Ignored for PostgreSQL, `:memory:`
   * and read-only opens.
   */
  checkpoint?: CheckpointerOptions | false;
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

function openSqlite(
  target: string,
  cwd: string,
  { readOnly = false, checkpoint = {} }: OpenOptions,
): DatabaseHandle {
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
  sqlite.pragma('foreign_keys = ON');
  const checkpointer =
    !memory && !readOnly && checkpoint !== false ? startCheckpointer(file, checkpoint) : null;
  // Without the thread: SQLite's automatic checkpoint every ~32 MB of WAL rather than every
  // 4 MB, run inside the commit that crosses it. Each checkpoint copies pages back and fsyncs
  // the database file; under ingest load the default made that a large share of the write
  // time (measured with bench/). https://sqlite.org/wal.html#ckpt
  // With it, the automatic checkpoint stays only as a fallback should the thread die or fall
  // far behind: at four times the WAL size at which the thread restarts the WAL, and never
  // below those ~32 MB.
  const autoPages = 8000;
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  const restartBytes = checkpoint
    ? (checkpoint.restartAfterBytes ?? CHECKPOINT_DEFAULTS.restartAfterBytes)
    : 0;
  sqlite.pragma(
    `wal_autocheckpoint = ${checkpointer ? Math.max(autoPages, Math.ceil((4 * restartBytes) / pageSize)) : autoPages}`,
  );
  const statements = cachingStatements(sqlite);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: readOnly ? statements : beginImmediate(statements) }),
  });
  rememberSqlite(db, sqlite);
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
      // The thread first: the last connection to close then checkpoints what is left.
      await checkpointer?.stop();
      await db.destroy();
    },
  };
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
  // pg loads with the first query, not at import: a process on SQLite never holds it.
  const pool = async (): Promise<Pool> => {
    const { default: pg } = await import('pg');
    // BIGINT columns hold epoch milliseconds, well inside Number's safe range; pg returns
    // them as strings unless told otherwise.
    pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
    const created = new pg.Pool({
      connectionString: url,
      max: Number(process.env.HOOKPOST_PG_POOL_SIZE ?? 10),
      // The hot statements prepared once per connection (db/pg-named.ts); `0` sends every
      // statement unnamed, parsed and planned each time.
      ...(process.env.HOOKPOST_PG_NAMED_STATEMENTS === '0' ? {} : { Client: namingClient(pg.Client) }),
      ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    created.on('error', () => {});
    // A checked-out client has no pool listener: when the server dies (crash, failover,
    // restart) it emits 'error', which unhandled kills the process. Its query still rejects,
    // and the pool drops the dead client on release.
    // https://github.com/brianc/node-postgres/issues/2439
    created.on('connect', (client) => client.on('error', () => {}));
    return created;
  };
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
