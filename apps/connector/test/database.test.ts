import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest, migrations } from '../src/db/migrations.js';
import { dialectCases } from './support/databases.js';

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `database on ${dialect.name}${dialect.skipReason ? ` (skipped: ${dialect.skipReason})` : ''}`,
    () => {
      it('migrates, enforces the inbox uniqueness and answers ping', async () => {
        const handle = openDatabase(await dialect.url());
        try {
          // Every migration in the record, in name order (each helper's prefix sorts after 0001).
          expect(await migrateToLatest(handle.db as never)).toEqual(Object.keys(migrations).sort());
          expect(Object.keys(migrations)).toContain('0006_console_listing_indexes');
          expect(Object.keys(migrations)).toContain('0002_queue_final_state');
          expect(Object.keys(migrations)).toContain('0009_mailback_mail_statuses');
          expect(await migrateToLatest(handle.db as never)).toEqual([]);
          const row = {
            id: 'evt_1',
            platform: 'hubspot',
            account_id: '62515',
            external_id: 'k1',
            workspace_id: null,
            channel: 'webhook',
            object_type: 'contact',
            object_id: '1',
            kind: 'created',
            occurred_at: 1_700_000_000_000,
            received_at: Date.now(),
            raw_delivery_id: 'raw_1',
            payload: '{}',
            status: 'pending' as const,
            reason: null,
            attempts: 0,
            lease_owner: null,
            lease_until: 0,
            processed_at: null,
          };
          await handle.db.insertInto('events').values(row).execute();
          const duplicate = await handle.db
            .insertInto('events')
            .values({ ...row, payload: '{"second":true}' })
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          expect(Number(duplicate.numInsertedOrUpdatedRows ?? 0)).toBe(0);
          const stored = await handle.db.selectFrom('events').selectAll().execute();
          expect(stored).toHaveLength(1);
          expect(stored[0]?.occurred_at).toBe(1_700_000_000_000);
          expect(await handle.ping()).toBe(true);
        } finally {
          await handle.close();
        }
        expect(await handle.ping()).toBe(false);
      });
    },
  );
}
