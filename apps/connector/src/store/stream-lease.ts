import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { StreamLease } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/** Options of {@link createStreamLease}. */
export interface StreamLeaseOptions {
  /** The stream, e.g. `salesforce:<org id 18>:/data/ChangeEvents`: one holder per name. */
  name: string;
  /** How long a lease lasts without renewal, ms. Default 30 000 (3× the subscriber's 10 s renewal). */
  ttlMs?: number;
  /** This process; default `<host>:<pid>:<random>`. */
  holder?: string;
  now?: () => number;
}

/** A unique holder id for this process. */
export const processHolderId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * One Change Data Capture subscriber per stream across processes: a row in
 * `stream_leases` (name, holder, expires_at). `acquire` takes the row when it is free,
 * expired or already ours — one conditional UPDATE, atomic on SQLite and PostgreSQL;
 * `renew` extends it only while we still hold it; `release` deletes it on a clean stop.
 * A process that dies stops renewing, and another takes over after `ttlMs`.
 *
 * @example
 * const lease = createStreamLease(db, { name: `salesforce:${orgId}:/data/ChangeEvents` });
 * createCdcSubscriber({ …, lease });
 */
export function createStreamLease(
  db: Kysely<Database>,
  options: StreamLeaseOptions,
): StreamLease & { holder: string } {
  const { name } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const holder = options.holder ?? processHolderId();
  const now = options.now ?? Date.now;

  return {
    holder,
    async acquire() {
      const at = now();
      await db
        .insertInto('stream_leases')
        .values({ name, holder, expires_at: at + ttlMs, updated_at: at })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const result = await db
        .updateTable('stream_leases')
        .set({ holder, expires_at: at + ttlMs, updated_at: at })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<', at)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async renew() {
      const at = now();
      const result = await db
        .updateTable('stream_leases')
        .set({ expires_at: at + ttlMs, updated_at: at })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async release() {
      await db.deleteFrom('stream_leases').where('name', '=', name).where('holder', '=', holder).execute();
    },
  };
}
