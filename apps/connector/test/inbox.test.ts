import { parseWebhookBatch } from '@hookpost/hubspot';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations.js';
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

const event = (eventId: number, portalId = 62515) => ({
  eventId,
  subscriptionId: 1,
  portalId,
  appId: 1,
  occurredAt: 1_700_000_000_000,
  attemptNumber: 0,
  subscriptionType: 'contact.creation',
  objectId: eventId,
});

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`inbox on ${dialect.name}`, () => {
    it('stores each event once across retries, group-committed requests and in-batch copies', async () => {
      const parsed = parseConfigText(CONFIG, 'c.yaml', {});
      if (!parsed.ok) throw new Error('config');
      const handle = openDatabase(await dialect.url());
      await migrateToLatest(handle.db as never);
      const inbox = inboxFor(handle, parsed.value);
      const delivery = (events: object[]) => {
        const body = JSON.stringify(events);
        return {
          platform: 'hubspot' as const,
          channel: 'webhook' as const,
          accountId: '62515',
          signatureVersion: 'v3',
          body,
          events: parseWebhookBatch(body),
        };
      };
      try {
        const first = delivery([event(1), event(2), event(2)]);
        // Three requests in the same tick: committed together, counted apart.
        const [a, b, c] = await Promise.all([
          inbox.ingest(first),
          inbox.ingest(delivery([event(2), event(3)])),
          inbox.ingest(delivery([event(4, 999)])),
        ]);
        expect([a?.accepted, a?.duplicates]).toEqual([2, 1]);
        expect([b?.accepted, b?.duplicates]).toEqual([1, 1]);
        expect([c?.accepted, c?.duplicates]).toEqual([1, 0]);
        const retry = await inbox.ingest(first);
        expect([retry.accepted, retry.duplicates]).toEqual([0, 3]);

        const rows = await handle.db
          .selectFrom('events')
          .select(['object_id', 'status', 'reason', 'workspace_id'])
          .orderBy('object_id')
          .execute();
        expect(rows.map((r) => r.object_id)).toEqual(['1', '2', '3', '4']);
        expect(rows[3]).toEqual({
          object_id: '4',
          status: 'unrouted',
          reason: 'no workspace for hubspot account 999',
          workspace_id: null,
        });
        expect(rows[0]?.status).toBe('pending');
        const raw = await handle.db.selectFrom('raw_deliveries').select(['event_count', 'body']).execute();
        expect(raw).toHaveLength(4);
        expect(raw.map((r) => r.body)).toContain(first.body);
      } finally {
        await handle.close();
      }
    });
  });
}
