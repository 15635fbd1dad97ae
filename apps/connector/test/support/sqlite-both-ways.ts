import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import type { Database, EventTable } from '../../src/db/types.js';

/** An event row as the inbox stores it, pending; `leased` to `owner` or to someone else. */
export const pendingEvent = (n: number, leaseOwner: string | null, leaseUntil = 0): EventTable => ({
  id: `evt_${n}`,
  platform: 'hubspot',
  account_id: '42',
  external_id: `ext_${n}`,
  workspace_id: 'ws',
  channel: 'webhook',
  object_type: 'contact',
  object_id: String(n % 7),
  kind: 'property_change',
  occurred_at: 1_000 + n,
  received_at: 2_000 + n,
  raw_delivery_id: `raw_${n}`,
  payload: JSON.stringify({ n }),
  status: 'pending',
  reason: null,
  attempts: 0,
  lease_owner: leaseOwner,
  lease_until: leaseUntil,
  processed_at: null,
});

/** Both ways of running a SQLite statement: the connection's own prepared statements, and Kysely's. */
export async function sqliteBothWays(): Promise<{ prepared: DatabaseHandle; kysely: Kysely<Database> }> {
  const prepared = openDatabase('sqlite::memory:');
  await migrateToLatest(prepared.db as never);
  // Not from `openDatabase`: no better-sqlite3 database remembered, so the Kysely path runs.
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrateToLatest(kysely as never);
  return { prepared, kysely };
}

/** `sqliteBothWays` fresh for each test of the suite, closed after it (also when it fails). */
export function useSqliteBothWays(): () => Awaited<ReturnType<typeof sqliteBothWays>> {
  let both: Awaited<ReturnType<typeof sqliteBothWays>> | undefined;
  beforeEach(async () => {
    both = await sqliteBothWays();
  });
  afterEach(async () => {
    await both?.prepared.close();
    await both?.kysely.destroy();
  });
  return () => both as Awaited<ReturnType<typeof sqliteBothWays>>;
}
