import { createInMemoryCdcTransport } from '@hookpost/salesforce/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ORG_ID } from './support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { type Receiver, startReceiver } from './support/receiver.js';

const config = (receiverUrl: string) => `
server: { publicUrl: https://hooks.example.com }
workspaces:
  - id: acme
    salesforce:
      organizationId: ${ORG_ID}
      endpointToken: sf-endpoint-token-1234567890
      auth: { type: jwt, clientId: cid, username: integration@acme.example, privateKeyFile: ./unused.key }
      cdc: { channel: /data/ContactChangeEvent, skipChangeOrigins: [client=hookpost] }
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET} }
    campaigns:
      - id: new-contact
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: created }
`;

function contactCreated(
  replayId: number,
  contactId: string,
  origin = 'com/salesforce/api/soap/58.0;client=SfdcInternalAPI/',
) {
  return {
    replayId,
    payload: {
      ChangeEventHeader: {
        entityName: 'Contact',
        recordIds: [contactId],
        changeType: 'CREATE',
        changeOrigin: origin,
        transactionKey: `tx-${replayId}`,
        sequenceNumber: 1,
        commitTimestamp: 1_796_444_400_000,
        commitNumber: 11657372702401,
        commitUser: '00558000000yFyDAAU',
        nulledFields: [],
        diffFields: [],
        changedFields: [],
      },
      Name: { FirstName: 'Erika', LastName: 'Mustermann' },
      MailingAddress: {
        Street: 'Heidestraße 17',
        City: 'Köln',
        PostalCode: '51147',
        Country: 'Germany',
        CountryCode: 'DE',
      },
      LastModifiedDate: 1_796_444_400_000,
    },
  };
}

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
});

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`Salesforce Change Data Capture (${dialect.name})`, () => {
    it('stores change events before their replay id, triggers from them and resumes after a restart', async () => {
      receiver = await startReceiver(TEST_SECRET);
      const bus = createInMemoryCdcTransport();
      const databaseUrl = await dialect.url();
      let connector = await startTestConnector(config(receiver.url), {
        databaseUrl,
        crm: { cdcTransport: () => bus },
      });
      await eventually(async () => (bus.listeners('/data/ContactChangeEvent') > 0 ? true : undefined));
      bus.publish(contactCreated(101, '003RM000006DdnRYAS'), '/data/ContactChangeEvent');
      bus.publish(
        contactCreated(102, '003RM000006DdnSYAS', 'com/salesforce/api/rest/62.0;client=hookpost'),
        '/data/ContactChangeEvent',
      );
      await receiver.waitFor((r) => r.length === 1);
      expect(receiver.received[0]?.body.recipient).toMatchObject({
        crm: { platform: 'salesforce', objectType: 'contact', objectId: '003RM000006DdnRYAS' },
        address: { line1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'DE' },
      });
      const replay = await connector.handle.db.selectFrom('replay_ids').selectAll().executeTakeFirstOrThrow();
      expect(replay).toMatchObject({ channel: 'acme:/data/ContactChangeEvent', replay_id: '102' });
      const stored = await connector.handle.db.selectFrom('events').select('channel').execute();
      expect(stored).toEqual([{ channel: 'cdc' }]);
      const metrics = await (await fetch(`${connector.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/hookpost_events_accepted_total\{platform="salesforce"\} 1\b/);
      await connector.stop();

      // While the connector is down, one more change happens; after the restart it resumes from 102.
      bus.publish(contactCreated(103, '003RM000006DdnTYAS'), '/data/ContactChangeEvent');
      connector = await startTestConnector(config(receiver.url), {
        databaseUrl,
        crm: { cdcTransport: () => bus },
      });
      await receiver.waitFor((r) => r.length === 2);
      expect(bus.subscriptions.at(-1)).toEqual({ channel: '/data/ContactChangeEvent', replayId: '102' });
      expect(receiver.received[1]?.body.recipient).toMatchObject({ crm: { objectId: '003RM000006DdnTYAS' } });
      await eventually(async () => {
        const row = await connector.handle.db.selectFrom('replay_ids').select('replay_id').executeTakeFirst();
        return row?.replay_id === '103' ? row : undefined;
      });
      await connector.stop();
    });

    it('two processes on one database: one subscription; the other takes over when the holder dies', async () => {
      receiver = await startReceiver(TEST_SECRET);
      const bus = createInMemoryCdcTransport();
      const databaseUrl = await dialect.url();
      const options = {
        databaseUrl,
        crm: { cdcTransport: () => bus },
        streamLease: { ttlMs: 800, renewMs: 50 },
      };
      const a = await startTestConnector(config(receiver.url), options);
      let b: Awaited<ReturnType<typeof startTestConnector>> | null = null;
      try {
        await eventually(async () => (bus.listeners('/data/ContactChangeEvent') > 0 ? true : undefined));
        b = await startTestConnector(config(receiver.url), options);
        await new Promise((resolve) => setTimeout(resolve, 300)); // several renewals and standby polls
        expect(bus.subscriptions).toHaveLength(1);
        expect(bus.listeners('/data/ContactChangeEvent')).toBe(1);
        bus.publish(contactCreated(201, '003RM000006DdnRYAS'), '/data/ContactChangeEvent');
        await receiver.waitFor((r) => r.length === 1);

        // "a" dies: its stream closes, renewals stop, and its lease row stays until it expires.
        const lease = await a.handle.db.selectFrom('stream_leases').selectAll().executeTakeFirstOrThrow();
        expect(lease.name).toBe(`salesforce:${ORG_ID}:/data/ContactChangeEvent`);
        await a.stop();
        await b.handle.db
          .insertInto('stream_leases')
          .values({ ...lease, expires_at: Date.now() + 800 })
          .onConflict((oc) =>
            oc.column('name').doUpdateSet({ holder: lease.holder, expires_at: Date.now() + 800 }),
          )
          .execute();
        bus.publish(contactCreated(202, '003RM000006DdnSYAS'), '/data/ContactChangeEvent');
        await receiver.waitFor((r) => r.length === 2);
        expect(bus.subscriptions).toHaveLength(2);
        expect(bus.subscriptions[1]).toEqual({ channel: '/data/ContactChangeEvent', replayId: '201' });
        expect(receiver.received[1]?.body.recipient).toMatchObject({
          crm: { objectId: '003RM000006DdnSYAS' },
        });
        const row = await b.handle.db.selectFrom('stream_leases').select('holder').executeTakeFirstOrThrow();
        expect(row.holder).not.toBe(lease.holder);
      } finally {
        await a.stop().catch(() => undefined);
        await b?.stop();
      }
    });
  });
}
