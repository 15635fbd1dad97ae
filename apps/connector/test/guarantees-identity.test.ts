import { startFakeHubSpot } from '@hookpost/hubspot/testing';
import { buildOutboundMessage, parseOutboundMessage, toCrmEvents } from '@hookpost/salesforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../src/api/router.js';
import {
  ADMIN_TOKEN,
  type AdminClient,
  adminClient,
  ORG_ID,
  PUBLIC_URL,
  postHubSpot,
  SF_TOKEN,
} from './support/api-client.js';
import { eventually, HUBSPOT_SECRET, startTestConnector, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { type EventView, GERMAN, item } from './support/guarantees.js';
import { startReceiver } from './support/receiver.js';

/**
 * A Salesforce Lead campaign and a HubSpot contact campaign that count per person; a third
 * HubSpot campaign counts per record (the default), to show the difference.
 */
function identityConfig(hubspotUrl: string, receiverUrl: string): string {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, accessToken: test-token }
    salesforce: { organizationId: ${ORG_ID}, endpointToken: ${SF_TOKEN} }
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET} }
    campaigns:
      - id: lead-sample
        destination: mailer
        trigger: { platform: salesforce, object: lead, on: outbound_message }
        policy: { identity: person }
      - id: welcome-person
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
        policy: { identity: person, maxPerRecipient: { count: 1, days: 60 } }
      - id: welcome-record
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: evangelist }
`;
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `policy.identity: person (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let api: AdminClient;
      let baseUrl: string;
      const stops: (() => Promise<void>)[] = [];
      let notification = 1;

      beforeAll(async () => {
        const hubspot = await startFakeHubSpot();
        stops.push(() => hubspot.close());
        const receiver = await startReceiver(TEST_SECRET);
        stops.push(() => receiver.close());
        const connector = await startTestConnector(identityConfig(hubspot.url, receiver.url), {
          databaseUrl: await dialect.url(),
          api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
        });
        stops.unshift(() => connector.stop());
        baseUrl = connector.baseUrl;
        api = adminClient(baseUrl);
        // One person, three records: the e-mail differs only in case and spaces.
        hubspot.addRecord('contact', '6101', { ...GERMAN, email: ' Erika@Example.DE' });
        hubspot.addRecord('contact', '6102', { ...GERMAN, email: 'erika@example.de' });
        // Another person at another address, no e-mail: counted by the postal address.
        const other = { ...GERMAN, firstname: 'Max', email: '', address: 'Domplatz 1', zip: '50667' };
        hubspot.addRecord('contact', '6201', other);
        hubspot.addRecord('contact', '6202', other);
      });
      afterAll(async () => {
        for (const stop of stops) await stop();
      });

      const decided = (id: string) =>
        eventually(async () => {
          const answer = await api.get<EventView>(`/events/${id}`);
          return answer.status === 200 && answer.body.status !== 'pending' ? answer.body : undefined;
        });
      const hubspotCustomer = async (objectId: number, value = 'customer') => {
        const body = JSON.stringify([
          item({ objectId, propertyName: 'lifecyclestage', propertyValue: value }),
        ]);
        expect(await postHubSpot(baseUrl, body)).toBe(204);
        const listed = await eventually(async () => {
          const page = await api.get<{ data: { id: string; status: string }[] }>(
            `/events?objectId=${objectId}`,
          );
          const found = page.body.data[0];
          return found && found.status !== 'pending' ? found : undefined;
        });
        return decided(listed.id);
      };
      const salesforceLead = async (fields: Record<string, string>) => {
        const xml = buildOutboundMessage({
          organizationId: ORG_ID,
          actionId: '04k5e000000AbCdAAK',
          notifications: [
            { id: `04l5e00000${String(notification++).padStart(5, '0')}AAK`, objectType: 'Lead', fields },
          ],
        });
        const response = await fetch(`${baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: xml,
        });
        expect(await response.text()).toContain('<Ack>true</Ack>');
        return decided(toCrmEvents(parseOutboundMessage(xml))[0]?.id ?? '');
      };
      const of = (event: EventView, campaign: string) =>
        event.decisions.find((d) => d.campaignId === campaign);

      it('a Salesforce Lead mailed is not mailed again as a HubSpot contact, nor as a duplicate contact', async () => {
        const lead = await salesforceLead({
          Id: '00Q5e00000AbCdEAAZ',
          FirstName: 'Erika',
          LastName: 'Mustermann',
          Email: 'erika@example.de',
          Street: 'Heidestraße 17',
          PostalCode: '51147',
          City: 'Köln',
          Country: 'Germany',
        });
        expect(of(lead, 'lead-sample')).toMatchObject({ outcome: 'triggered' });

        // Same person in HubSpot: the cap counts the Lead's piece.
        const contact = await hubspotCustomer(6101);
        expect(of(contact, 'welcome-person')).toMatchObject({
          outcome: 'skipped',
          reason: 'cap_reached',
          recipientRef: 'hubspot:contact:6101',
        });
        const duplicate = await hubspotCustomer(6102);
        expect(of(duplicate, 'welcome-person')).toMatchObject({ outcome: 'skipped', reason: 'cap_reached' });
        // A campaign counting per record mails each record: identity is opt-in.
        const evangelist = await hubspotCustomer(6101, 'evangelist');
        expect(of(evangelist, 'welcome-record')).toMatchObject({ outcome: 'triggered' });
      });

      it('without an e-mail, the normalised postal address is the person', async () => {
        const first = await hubspotCustomer(6201);
        expect(of(first, 'welcome-person')).toMatchObject({ outcome: 'triggered' });
        const duplicate = await hubspotCustomer(6202);
        // once-per-recipient counts the person: the first record's piece blocks the second record.
        expect(of(duplicate, 'welcome-person')).toMatchObject({ outcome: 'skipped', reason: 'already_sent' });
      });
    },
  );
}
