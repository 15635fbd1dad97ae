import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite transactions begin with a plain `begin` (deferred): the write lock is taken
 * at the first write, and in WAL mode a transaction that has read first and then finds the
 * lock held (another process writing, or the checkpoint thread restarting the WAL) fails at
 * once with SQLITE_BUSY — the busy timeout is not applied to that upgrade
 * (https://sqlite.org/lang_transaction.html#deferred_immediate_and_exclusive_transactions,
 * https://sqlite.org/rescode.html#busy). `begin immediate` takes the write lock up front and
 * waits for it under the busy timeout instead. Every other statement passes through.
 *
 * For writable connections only: a read-only connection cannot begin immediate.
 */
export function beginImmediate(database: SqliteDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql) => database.prepare(sql === 'begin' ? 'begin immediate' : sql),
  };
}
