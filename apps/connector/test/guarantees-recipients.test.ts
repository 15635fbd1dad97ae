import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL } from './support/api-client.js';
import { HUBSPOT_SECRET, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { GERMAN, type Scenario, startScenario } from './support/guarantees.js';

/** A HubSpot workspace whose campaigns all fire when a deal is closed won, each with its own recipient and policy. */
function dealConfig(campaigns: { id: string; recipient: string; policy?: string }[]) {
  const campaign = ({ id, recipient, policy }: (typeof campaigns)[number]) => `
      - id: ${id}
        destination: mailer
        trigger: { platform: hubspot, object: deal, on: property_change, property: dealstage, to: closedwon }
        conditions: { all: [ { field: address.country, in: [DE, AT, CH] } ] }
        recipient: ${recipient}${policy ? `\n        policy: ${policy}` : ''}`;
  return (hubspotUrl: string, receiverUrl: string) => `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, accessToken: test-token }
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET} }
    campaigns:${campaigns.map(campaign).join('')}
`;
}

/** Three deal campaigns that differ only in which associated contact they address. */
const recipientsConfig = dealConfig([
  { id: 'gift-primary', recipient: 'associated_contact' },
  { id: 'gift-first', recipient: '{ type: associated_contact, select: first }' },
  { id: 'gift-all', recipient: '{ type: associated_contact, select: all }' },
]);

/** Posts a deal closed-won change and waits for its decision. */
async function decideDeal(s: Scenario, objectId: number) {
  const posted = await s.post([
    {
      subscriptionType: 'deal.propertyChange',
      objectId,
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    },
  ]);
  expect(posted.status).toBe(204);
  return s.decided(posted.ids[0] as string);
}

interface TriggerView {
  id: string;
  campaign: string;
  eventId: string;
  recipientRef: string;
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `recipients are explicit (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: Scenario;

      beforeAll(async () => {
        s = await startScenario(dialect, recipientsConfig);
        s.hubspot.addRecord('deal', '9001', { dealstage: 'closedwon' });
        s.hubspot.addRecord('deal', '9002', { dealstage: 'closedwon' });
        for (const id of ['7001', '7005', '7006'])
          s.hubspot.addRecord('contact', id, { ...GERMAN, email: `p${id}@example.de` });
        // HubSpot answers links in its own order; 7005 carries the label that marks it primary.
        s.hubspot.associate('deal', '9001', 'contact', '7001');
        s.hubspot.associate('deal', '9001', 'contact', '7005', 'Primary contact');
        s.hubspot.associate('deal', '9001', 'contact', '7006');
      });
      afterAll(async () => {
        await s?.stop();
      });

      const decide = (objectId: number) => decideDeal(s, objectId);

      it('primary takes the labelled contact, first the first listed, all one decision and piece per contact', async () => {
        const event = await decide(9001);
        const of = (campaign: string) =>
          event.decisions.filter((d) => d.campaignId === campaign).map((d) => [d.outcome, d.recipientRef]);
        expect(of('gift-primary')).toEqual([['triggered', 'hubspot:contact:7005']]);
        expect(of('gift-first')).toEqual([['triggered', 'hubspot:contact:7001']]);
        expect(of('gift-all')).toEqual([
          ['triggered', 'hubspot:contact:7001'],
          ['triggered', 'hubspot:contact:7005'],
          ['triggered', 'hubspot:contact:7006'],
        ]);
        expect(event.triggers).toHaveLength(5);

        // "Why was contact 7006 (not) mailed?" has an answer: the events and the pieces for it.
        const events = await s.api.get<{ data: { id: string }[] }>('/events?recipient=7006');
        expect(events.body.data.map((e) => e.id)).toEqual([event.id]);
        const pieces = await s.api.get<{ data: TriggerView[] }>('/triggers?recipient=7006');
        expect(pieces.body.data.map((t) => [t.campaign, t.recipientRef])).toEqual([
          ['gift-all', 'hubspot:contact:7006'],
        ]);
        const primary = await s.api.get<{ data: TriggerView[] }>('/triggers?recipient=7005');
        expect(primary.body.data.map((t) => t.campaign).sort()).toEqual(['gift-all', 'gift-primary']);
      });

      it('a deal without contacts is skipped:no_recipient, not a failed address condition', async () => {
        const event = await decide(9002);
        expect(event.status).toBe('skipped');
        expect(event.reason).toBe('no_recipient');
        expect(event.decisions).toHaveLength(3);
        for (const d of event.decisions) {
          expect(d).toMatchObject({ outcome: 'skipped', reason: 'no_recipient', recipientRef: null });
          expect(d.detail).toMatch(/no contact record for deal 9002/);
        }
        expect(event.triggers).toHaveLength(0);
      });
    },
  );
}

/** Deal campaigns that mail every associated contact, under a daily cap and a per-recipient cap. */
const cappedConfig = dealConfig([
  { id: 'gift-capped', recipient: '{ type: associated_contact, select: all }', policy: '{ dailyCap: 2 }' },
  {
    id: 'gift-limited',
    recipient: '{ type: associated_contact, select: all }',
    policy: '{ maxPerRecipient: { count: 1, days: 30 } }',
  },
]);

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `select: all checks the caps per recipient (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: Scenario;

      beforeAll(async () => {
        s = await startScenario(dialect, cappedConfig);
        for (const deal of ['9101', '9102']) s.hubspot.addRecord('deal', deal, { dealstage: 'closedwon' });
        for (const id of ['7101', '7102', '7103', '7104']) {
          s.hubspot.addRecord('contact', id, { ...GERMAN, email: `p${id}@example.de` });
          s.hubspot.associate('deal', id === '7104' ? '9102' : '9101', 'contact', id);
        }
      });
      afterAll(async () => {
        await s?.stop();
      });

      const decide = (objectId: number) => decideDeal(s, objectId);

      it('dailyCap and maxPerRecipient count the pieces decided for earlier recipients of the same event', async () => {
        const event = await decide(9101);
        const of = (campaign: string) =>
          event.decisions
            .filter((d) => d.campaignId === campaign)
            .map((d) => [d.recipientRef, d.outcome === 'triggered' ? 'triggered' : d.reason]);
        // A cap of two pieces a day: the third contact of the same deal is over it.
        expect(of('gift-capped')).toEqual([
          ['hubspot:contact:7101', 'triggered'],
          ['hubspot:contact:7102', 'triggered'],
          ['hubspot:contact:7103', 'daily_cap_reached'],
        ]);
        // One piece per person across campaigns: the two already mailed by gift-capped are at their cap.
        expect(of('gift-limited')).toEqual([
          ['hubspot:contact:7101', 'cap_reached'],
          ['hubspot:contact:7102', 'cap_reached'],
          ['hubspot:contact:7103', 'triggered'],
        ]);
        expect(event.triggers).toHaveLength(3);

        // The daily cap holds across events too.
        const next = await decide(9102);
        expect(next.decisions.find((d) => d.campaignId === 'gift-capped')).toMatchObject({
          outcome: 'skipped',
          reason: 'daily_cap_reached',
          recipientRef: 'hubspot:contact:7104',
        });
      });
    },
  );
}
