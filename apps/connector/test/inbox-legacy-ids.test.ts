import { type CrmEvent, eventIdFor } from '@hookpost/core';
import { parseWebhookBatch } from '@hookpost/hubspot';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest, migrations } from '../src/db/migrations.js';
import { dialectCases } from './support/databases.js';
import { inboxFor } from './support/inbox.js';

const CONFIG = `
server: { publicUrl: https://hooks.example.com }
hubspot: { clientSecret: s }
workspaces:
  - id: acme
    hubspot: { portalId: 62515 }
    destinations: { log: { type: log } }
`;

const webhook = (eventId: number, occurredAt: number) => ({
  eventId,
  subscriptionId: 1,
  portalId: 62515,
  occurredAt,
  attemptNumber: 0,
  subscriptionType: 'contact.propertyChange',
  propertyName: 'city',
  propertyValue: 'Bonn',
  objectId: 7000 + eventId,
});

/** The events table row the inbox of before time-prefixed ids wrote: the plain hash id. */
function storedBeforeUpgrade(event: CrmEvent) {
  return {
    id: eventIdFor(event.platform, event.accountId, event.externalId),
    platform: event.platform,
    account_id: event.accountId,
    external_id: event.externalId,
    workspace_id: 'acme',
    channel: 'webhook',
    object_type: event.objectType,
    object_id: event.objectId,
    kind: event.kind,
    occurred_at: Date.parse(event.occurredAt),
    received_at: Date.parse(event.occurredAt) + 1000,
    raw_delivery_id: 'raw_before',
    payload: '{}',
    status: 'no_match' as const,
    reason: null,
    attempts: 1,
    lease_owner: null,
    lease_until: 0,
    processed_at: Date.parse(event.occurredAt) + 2000,
  };
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`inbox across the id upgrade on ${dialect.name}`, () => {
    it('finds a re-send of an event stored under its plain id: a duplicate, nothing pending to decide again', async () => {
      const parsed = parseConfigText(CONFIG, 'c.yaml', {});
      if (!parsed.ok) throw new Error('config');
      const handle = openDatabase(await dialect.url());
      try {
        // The database as the version before left it: migrated up to 0013, one event decided.
        const before = new Migrator({
          db: handle.db as never,
          provider: { getMigrations: async () => migrations },
        });
        const migratedBefore = await before.migrateTo('0013_scale_trigger_refs');
        expect(migratedBefore.error).toBeUndefined();
        const old = webhook(1, Date.now() - 3_600_000);
        const other = webhook(2, Date.now() - 60_000);
        const body = JSON.stringify([old, other]);
        const [resent, fresh] = parseWebhookBatch(body) as [CrmEvent, CrmEvent];
        await handle.db.insertInto('events').values(storedBeforeUpgrade(resent)).execute();

        expect(await migrateToLatest(handle.db as never)).toContain('0014_ids_time_prefixed');
        const inbox = inboxFor(handle, parsed.value);
        const delivery = (text: string) => ({
          platform: 'hubspot' as const,
          channel: 'webhook' as const,
          accountId: '62515',
          signatureVersion: 'v3',
          body: text,
          events: parseWebhookBatch(text),
        });
        // HubSpot retries the whole request (attempt 1): the stored event again, with a new one.
        const retried = JSON.stringify([{ ...old, attemptNumber: 1 }, other]);
        const result = await inbox.ingest(delivery(retried));
        expect([result.accepted, result.duplicates]).toEqual([1, 1]);
        // And once more: both now stored, one under each id format.
        const again = await inbox.ingest(delivery(retried));
        expect([again.accepted, again.duplicates]).toEqual([0, 2]);

        const rows = await handle.db.selectFrom('events').select(['id', 'external_id', 'status']).execute();
        expect(rows).toHaveLength(2);
        const byKey = new Map(rows.map((r) => [r.external_id, r]));
        expect(byKey.get(resent.externalId)).toEqual({
          id: storedBeforeUpgrade(resent).id,
          external_id: resent.externalId,
          status: 'no_match',
        });
        expect(byKey.get(fresh.externalId)).toMatchObject({ id: fresh.id, status: 'pending' });
        expect(resent.id).not.toBe(storedBeforeUpgrade(resent).id);
      } finally {
        await handle.close();
      }
    });

    it('records no start on a database that held no event before the upgrade (no plain ids to look for)', async () => {
      const handle = openDatabase(await dialect.url());
      try {
        await migrateToLatest(handle.db as never);
        const format = await handle.db.selectFrom('event_id_formats').selectAll().execute();
        expect(format.map((f) => [f.name, Number(f.since)])).toEqual([['time_prefixed', 0]]);
      } finally {
        await handle.close();
      }
    });
  });
}
