import { buildOutboundMessage, parseOutboundMessage, toCrmEvents } from '@hookpost/salesforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_ID, PUBLIC_URL, SF_TOKEN } from './support/api-client.js';
import { HUBSPOT_SECRET, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { type EventView, GERMAN, type Scenario, startScenario } from './support/guarantees.js';

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
      let s: Scenario;
      let notification = 1;

      beforeAll(async () => {
        s = await startScenario(dialect, identityConfig);
        // One person, three records: the e-mail differs only in case and spaces.
        s.hubspot.addRecord('contact', '6101', { ...GERMAN, email: ' Erika@Example.DE' });
        s.hubspot.addRecord('contact', '6102', { ...GERMAN, email: 'erika@example.de' });
        // Another person at another address, no e-mail: counted by the postal address.
        const other = { ...GERMAN, firstname: 'Max', email: '', address: 'Domplatz 1', zip: '50667' };
        s.hubspot.addRecord('contact', '6201', other);
        s.hubspot.addRecord('contact', '6202', other);
      });
      afterAll(async () => {
        await s?.stop();
      });

      const hubspotCustomer = async (objectId: number, value = 'customer') => {
        const posted = await s.post([{ objectId, propertyName: 'lifecyclestage', propertyValue: value }]);
        expect(posted.status).toBe(204);
        return s.decided(posted.ids[0] as string);
      };
      const salesforceLead = async (fields: Record<string, string>) => {
        const xml = buildOutboundMessage({
          organizationId: ORG_ID,
          actionId: '04k5e000000AbCdAAK',
          notifications: [
            { id: `04l5e00000${String(notification++).padStart(5, '0')}AAK`, objectType: 'Lead', fields },
          ],
        });
        const response = await fetch(`${s.connector.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: xml,
        });
        expect(await response.text()).toContain('<Ack>true</Ack>');
        return s.decided(toCrmEvents(parseOutboundMessage(xml))[0]?.id ?? '');
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
