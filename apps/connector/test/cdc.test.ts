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
  });
}
