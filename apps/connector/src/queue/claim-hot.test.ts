import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { pendingEvent } from '../../test/support/sqlite-both-ways.js';
import { type DatabaseHandle, openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrations.js';
import { claim } from './claim.js';

const postgres = dialectCases().find((d) => d.name === 'postgres');

describe.skipIf(!postgres || postgres.skipReason !== null)('claim on PostgreSQL', () => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('leases a whole page of stored events in place: every new row version stays on its page (a HOT update, no index entries)', async () => {
    handle = openDatabase(await (postgres as NonNullable<typeof postgres>).url());
    const { db } = handle;
    await migrateToLatest(db as never);
    // Rows the size of a stored HubSpot event (~700 bytes, about 11 to a page), stored
    // together as a webhook delivery stores them, so one claim leases whole pages.
    const payload = JSON.stringify({ properties: 'x'.repeat(250) });
    await db
      .insertInto('events')
      .values(
        Array.from({ length: 200 }, (_, n) => ({
          ...pendingEvent(n, null),
          id: `evt_${String(n).padStart(4, '0')}_${'i'.repeat(20)}`,
          raw_delivery_id: `raw_${'r'.repeat(30)}`,
          payload,
        })),
      )
      .execute();
    const pages = async () =>
      new Map(
        (
          await sql<{
            id: string;
            page: string;
          }>`select id, (ctid::text::point)[0]::text as page from events`.execute(db)
        ).rows.map((r) => [r.id, r.page]),
      );
    const before = await pages();
    const claimed = await claim({
      db,
      dialect: 'postgres',
      table: 'events',
      owner: `host:${'1'.repeat(6)}:abcdef`,
      now: 10_000,
      leaseMs: 60_000,
      limit: 200,
      due: false,
      orderBy: 'received_at',
    });
    expect(claimed).toHaveLength(200);
    const after = await pages();
    const moved = [...before].filter(([id, page]) => after.get(id) !== page);
    expect(moved).toEqual([]);
  });
});
