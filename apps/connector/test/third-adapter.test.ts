import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../src/adapters/registry.js';
import { PUBLIC_URL } from './support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { createPaperAdapter, type FakePaperCrm, startFakePaperCrm } from './support/paper-crm.js';
import { type Receiver, startReceiver } from './support/receiver.js';

// A CRM the connector does not ship, added by registering one adapter: its route, routing,
// reads, derived fields, opt-out and write-back all run through the connector unchanged.
const TOKEN = 'paper-shared-secret';
const config = (receiverUrl: string) => `
server: { publicUrl: ${PUBLIC_URL} }
workspaces:
  - id: paper-co
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET} }
    campaigns:
      - id: vip-card
        destination: mailer
        trigger: { platform: paper, object: person, on: property_change, property: tier, to: vip }
        conditions: { field: person.segment, equals: retail }
        variables: { greeting: "Dear {{ person.first_name }}" }
`;

const person = (optedOut: boolean) => ({
  first_name: 'Erika',
  last_name: 'Mustermann',
  street: 'Heidestraße 17',
  zip: '51147',
  city: 'Köln',
  country_code: 'DE',
  segment: 'retail',
  no_mail: optedOut,
});

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`a third, test-only CRM adapter (${dialect.name})`, () => {
    let crm: FakePaperCrm;
    let receiver: Receiver;
    let connector: Awaited<ReturnType<typeof startTestConnector>>;

    beforeAll(async () => {
      crm = await startFakePaperCrm();
      crm.people.set('p1', person(false));
      crm.people.set('p2', person(true));
      receiver = await startReceiver(TEST_SECRET);
      const paper = register(createPaperAdapter(crm.url), (workspace) =>
        workspace.id === 'paper-co'
          ? { accountId: 'acct-1', token: TOKEN, optOutField: 'no_mail' }
          : undefined,
      );
      connector = await startTestConnector(config(receiver.url), {
        databaseUrl: await dialect.url(),
        adapters: [paper],
      });
    });

    afterAll(async () => {
      await connector?.stop();
      await receiver?.close();
      await crm?.close();
    });

    const post = (changes: object[], token = TOKEN) =>
      fetch(`${connector.baseUrl}/webhooks/paper`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-paper-token': token },
        body: JSON.stringify({ changes }),
      });

    it('receives, decides and delivers an event, then writes back to the CRM', async () => {
      expect((await post([{ id: 'c1', person: 'p1', field: 'tier', value: 'vip' }])).status).toBe(202);
      await receiver.waitFor((r) => r.length === 1);
      expect(receiver.received[0]).toMatchObject({
        verified: true,
        body: {
          campaign: { id: 'vip-card' },
          recipient: {
            crm: { platform: 'paper', objectType: 'person', objectId: 'p1' },
            firstName: 'Erika',
            address: { line1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'DE' },
          },
          variables: { greeting: 'Dear Erika' },
        },
      });
      // The fields read were derived from the campaign (condition, variable) and the opt-out setting.
      expect(crm.reads[0]).toEqual(expect.arrayContaining(['street', 'segment', 'first_name', 'no_mail']));
      const activity = await eventually(async () => crm.activities[0]);
      expect(activity).toEqual({ personId: 'p1', subject: 'Direct mail sent' });
    });

    it('skips an opted-out person as suppressed and refuses an unknown token', async () => {
      expect((await post([{ id: 'c2', person: 'p2', field: 'tier', value: 'vip' }])).status).toBe(202);
      const event = await eventually(async () =>
        connector.handle.db
          .selectFrom('events')
          .select(['status', 'reason', 'workspace_id'])
          .where('id', '=', 'evt_paper_c2')
          .where('status', '!=', 'pending')
          .executeTakeFirst(),
      );
      expect(event).toEqual({ status: 'skipped', reason: 'suppressed', workspace_id: 'paper-co' });
      expect((await post([], 'wrong')).status).toBe(401);
    });
  });
}
