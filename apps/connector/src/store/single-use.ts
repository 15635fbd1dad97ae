import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { insertManyIgnoringConflicts } from './insert-many.js';

/** Keys claimed at most once until they expire, shared by every process on the database. */
export interface SingleUseKeys {
  /** True for the one caller that claimed `key` (an expired claim can be claimed again). */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

export interface SingleUseKeysOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  table: 'seen_signatures' | 'used_oauth_states';
  now?: () => number;
  /** Expired keys are deleted at most this often. */
  pruneEveryMs?: number;
}

/**
 * A claim is one `INSERT … ON CONFLICT DO NOTHING`: atomic on SQLite and PostgreSQL, so
 * of two concurrent repeats exactly one wins. Expired rows are pruned in passing.
 *
 * @example
 * const seen = createSingleUseKeys({ db, dialect, table: 'seen_signatures' });
 * if (!(await seen.claim('v2:ab12…', Date.now() + 60_000))) refuse();
 */
export function createSingleUseKeys({
  db,
  dialect,
  table,
  now = Date.now,
  pruneEveryMs = 60_000,
}: SingleUseKeysOptions): SingleUseKeys {
  let prunedAt = 0;
  async function prune(current: number) {
    if (current - prunedAt < pruneEveryMs) return;
    prunedAt = current;
    await db.deleteFrom(table).where('expires_at', '<=', current).execute();
  }
  return {
    async claim(key, expiresAtMs) {
      const current = now();
      await prune(current);
      const inserted = await insertManyIgnoringConflicts(
        db,
        dialect,
        table,
        ['key', 'expires_at'],
        [{ key, expires_at: expiresAtMs }],
      );
      if (inserted === 1) return true;
      // Taken: still valid, or expired but not yet pruned (then take it over).
      const taken = await db
        .updateTable(table)
        .set({ expires_at: expiresAtMs })
        .where('key', '=', key)
        .where('expires_at', '<=', current)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) === 1;
    },
    async release(key) {
      await db.deleteFrom(table).where('key', '=', key).execute();
    },
  };
}
