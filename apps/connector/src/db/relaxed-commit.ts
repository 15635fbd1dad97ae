import { type Kysely, sql } from 'kysely';
import type { Dialect } from './connect.js';
import type { Database } from './types.js';

/**
 * Inside a PostgreSQL transaction: commit without waiting for the WAL flush
 * (`synchronous_commit = off` for this transaction only). The PostgreSQL side of
 * `DatabaseHandle.relaxed`: only for work that is redone if a database crash loses it —
 * claims, decisions (same dedupe keys, same trigger ids), delivery bookkeeping (same
 * `webhook-id`). https://www.postgresql.org/docs/current/wal-async-commit.html
 */
export async function relaxCommit(trx: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
}
