import { type FakeHubSpot, signV3, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { buildOutboundMessage } from '@hookpost/salesforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_ID, PUBLIC_URL, SF_TOKEN } from './support/api-client.js';
import { eventually, HUBSPOT_SECRET, startTestConnector, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { type Receiver, startReceiver } from './support/receiver.js';

function config(hubspotUrl: string, receiverUrl: string) {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, accessToken: test-token }
    salesforce: { organizationId: ${ORG_ID}, endpointToken: ${SF_TOKEN} }
    destinations:
      mailer:
        type: webhook
        url: ${receiverUrl}
        secret: ${TEST_SECRET}
        timeout: PT2S
        retry: { initialDelay: PT0.1S, maxDelay: PT0.5S, maxAge: PT1M }
    campaigns:
      - id: welcome-pack
        name: Welcome pack
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
        conditions: { all: [ { field: address.country, in: [DE, AT, CH] } ] }
        variables: { firstName: "{{ contact.firstname }}" }
      - id: deal-won
        name: Deal won, sent later
        destination: mailer
        trigger: { platform: hubspot, object: deal, on: property_change, property: dealstage, to: closedwon }
        recipient: associated_contact
        policy: { delay: P2D }
      - id: address-update
        name: Moved house
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: city }
        policy: { oncePerRecipient: false }
      - id: sf-event-lead
        name: Event follow-up
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: outbound_message }
        conditions: { all: [ { field: LeadSource, equals: Event } ] }
`;
}

let eventSeq = 1000;
function hubspotBatch(events: Record<string, unknown>[]) {
  return JSON.stringify(
    events.map((e) => ({
      eventId: eventSeq++,
      subscriptionId: 7,
      portalId: 62515,
      appId: 1,
      occurredAt: Date.now(),
      attemptNumber: 0,
      changeSource: 'CRM_UI',
      ...e,
    })),
  );
}

let hubspot: FakeHubSpot;
let receiver: Receiver;
let connector: Awaited<ReturnType<typeof startTestConnector>>;

async function postHubSpot(body: string, path = '/webhooks/hubspot') {
  const headers = signV3({ secret: HUBSPOT_SECRET, method: 'POST', url: `${PUBLIC_URL}${path}`, body });
  return fetch(`${connector.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** Waits until the trigger (by its id or its event's id) reaches `status`. */
const triggerIn = (status: string, column: 'id' | 'event_id', value: string) =>
  eventually(async () => {
    const t = await connector.handle.db
      .selectFrom('triggers')
      .selectAll()
      .where(column, '=', value)
      .executeTakeFirst();
    return t?.status === status ? t : undefined;
  });
const decided = (externalPart: string) =>
  eventually(async () => {
    const row = await connector.handle.db
      .selectFrom('events')
      .selectAll()
      .where('external_id', 'like', `%${externalPart}%`)
      .where('status', '!=', 'pending')
      .executeTakeFirst();
    return row ?? undefined;
  });

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `the pipeline, end to end over real ports (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      beforeAll(async () => {
        hubspot = await startFakeHubSpot();
        hubspot.addRecord('contact', '101', {
          firstname: 'Erika',
          lastname: 'Mustermann',
          email: 'erika@example.de',
          company: 'ACME GmbH',
          address: 'Heidestraße 17',
          zip: '51147',
          city: 'Köln',
          country: 'Germany',
          lifecyclestage: 'customer',
        });
        hubspot.addRecord('contact', '102', {
          firstname: 'Marie',
          lastname: 'Curie',
          address: '12 Rue de Rivoli',
          zip: '75004',
          city: 'Paris',
          country: 'France',
        });
        hubspot.addRecord('contact', '103', {
          firstname: 'Hans',
          lastname: 'Ohneort',
          zip: '10115',
          country: 'DE',
        });
        hubspot.addRecord('contact', '104', {
          firstname: 'Max',
          lastname: 'Muster',
          address: 'Hauptstraße 5',
          zip: '01067',
          city: 'Dresden',
          country: 'DE',
        });
        hubspot.addRecord('deal', '301', { dealname: 'Rollout', dealstage: 'closedwon' });
        hubspot.associate('deal', '301', 'contact', '104');
        hubspot.addRecord('contact', '105', {
          firstname: 'Lena',
          lastname: 'Schulz',
          address: 'Alte Straße 1',
          zip: '80331',
          city: 'München',
          country: 'DE',
        });
        hubspot.addRecord('deal', '302', { dealname: 'Pilot', dealstage: 'appointmentscheduled' });
        hubspot.associate('deal', '302', 'contact', '105');
        receiver = await startReceiver(TEST_SECRET);
        connector = await startTestConnector(config(hubspot.url, receiver.url), {
          databaseUrl: await dialect.url(),
        });
      });

      afterAll(async () => {
        await connector?.stop();
        await receiver?.close();
        await hubspot?.close();
      });

      it('turns a v3-signed HubSpot batch into a signed trigger whose address came from the HubSpot API', async () => {
        const body = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 101,
            propertyName: 'lifecyclestage',
            propertyValue: 'customer',
          },
        ]);
        const response = await postHubSpot(body);
        expect(response.status).toBe(204);
        await receiver.waitFor((r) =>
          r.some((t) => (t.body.campaign as { id: string }).id === 'welcome-pack'),
        );
        const trigger = receiver.received.find(
          (t) => (t.body.campaign as { id: string }).id === 'welcome-pack',
        )!;
        expect(trigger.verified).toBe(true);
        expect(trigger.webhookId).toBe(trigger.body.id);
        expect(trigger.body.recipient).toMatchObject({
          crm: { platform: 'hubspot', objectType: 'contact', objectId: '101' },
          firstName: 'Erika',
          address: { line1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'DE' },
        });
        expect(trigger.body.variables).toEqual({ firstName: 'Erika' });
        expect(hubspot.stats.batchReads).toBeGreaterThan(0);
      });

      it('the same delivery five times makes one event and one trigger', async () => {
        const body = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 104,
            propertyName: 'city',
            propertyValue: 'Dresden',
          },
        ]);
        for (let i = 0; i < 5; i++) expect((await postHubSpot(body)).status).toBe(204);
        const row = await decided(':104:');
        const events = await connector.handle.db
          .selectFrom('events')
          .selectAll()
          .where('object_id', '=', '104')
          .where('kind', '=', 'updated')
          .execute();
        expect(events).toHaveLength(1);
        expect(row.status).toBe('triggered');
        const triggers = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('event_id', '=', row.id)
          .execute();
        expect(triggers).toHaveLength(1);
        await receiver.waitFor((r) => r.some((t) => t.webhookId === triggers[0]?.id));
        await new Promise((r) => setTimeout(r, 300));
        expect(
          receiver.received.filter((t) => t.webhookId === triggers[0]?.id && t.status === 200),
        ).toHaveLength(1);
      });

      it('explains every skip and non-match', async () => {
        const body = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 102,
            propertyName: 'lifecyclestage',
            propertyValue: 'customer',
          },
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 103,
            propertyName: 'city',
            propertyValue: '',
          },
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 101,
            propertyName: 'lifecyclestage',
            propertyValue: 'lead',
          },
        ]);
        expect((await postHubSpot(body)).status).toBe(204);
        const france = await decided(':102:');
        expect(france.status).toBe('no_match');
        const decisions = await connector.handle.db
          .selectFrom('decisions')
          .selectAll()
          .where('event_id', '=', france.id)
          .execute();
        expect(decisions.find((d) => d.campaign_id === 'welcome-pack')?.reason).toMatch(
          /address\.country.*"FR"/,
        );
        const noAddress = await decided(':103:');
        expect(noAddress).toMatchObject({ status: 'skipped', reason: 'incomplete_address' });
        const lead = await eventually(async () => {
          const rows = await connector.handle.db
            .selectFrom('events')
            .selectAll()
            .where('object_id', '=', '101')
            .where('status', '=', 'no_match')
            .execute();
          return rows[0];
        });
        const leadDecision = await connector.handle.db
          .selectFrom('decisions')
          .selectAll()
          .where('event_id', '=', lead.id)
          .where('campaign_id', '=', 'welcome-pack')
          .executeTakeFirst();
        expect(leadDecision?.reason).toBe('trigger.to: expected "customer", got "lead"');
      });

      it('retries a 500 and delivers on the next 200, recording both attempts', async () => {
        receiver.respondWith(500);
        const body = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 101,
            propertyName: 'city',
            propertyValue: 'Köln',
          },
        ]);
        expect((await postHubSpot(body)).status).toBe(204);
        const row = await decided(`:${eventSeq - 1}:`);
        const trigger = await triggerIn('delivered', 'event_id', row.id);
        const attempts = await connector.handle.db
          .selectFrom('delivery_attempts')
          .selectAll()
          .where('trigger_id', '=', trigger.id)
          .orderBy('attempt')
          .execute();
        expect(attempts.map((a) => [a.status_code, a.outcome])).toEqual([
          [500, 'retry'],
          [200, 'delivered'],
        ]);
      });

      it('declares a 400 dead at once and keeps the response', async () => {
        receiver.respondWith(400);
        const body = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 104,
            propertyName: 'city',
            propertyValue: 'Dresden-Neustadt',
          },
        ]);
        expect((await postHubSpot(body)).status).toBe(204);
        const row = await decided(`:${eventSeq - 1}:`);
        const trigger = await triggerIn('dead', 'event_id', row.id);
        expect(trigger.reason).toBe('HTTP 400');
        const [attempt] = await connector.handle.db
          .selectFrom('delivery_attempts')
          .selectAll()
          .where('trigger_id', '=', trigger.id)
          .execute();
        expect(attempt?.response_body).toContain('status 400');
      });

      it('answers a Salesforce outbound message with the Ack and triggers from its snapshot', async () => {
        const xml = buildOutboundMessage({
          organizationId: ORG_ID,
          actionId: '04k5e000000AbCdAAK',
          notifications: [
            {
              id: '04l5e000001XyZaAAK',
              objectType: 'Contact',
              fields: {
                Id: '0035e00000AbCdEAAV',
                FirstName: 'Ada',
                LastName: 'Lovelace',
                LeadSource: 'Event',
                MailingStreet: 'Mariahilfer Straße 1\nTop 4',
                MailingPostalCode: '1060',
                MailingCity: 'Wien',
                MailingCountry: 'Österreich',
                LastModifiedDate: '2026-11-27T09:00:00.000Z',
              },
            },
          ],
        });
        const response = await fetch(`${connector.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
          body: xml,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/xml');
        expect(await response.text()).toContain('<Ack>true</Ack>');
        await receiver.waitFor((r) =>
          r.some((t) => (t.body.campaign as { id: string }).id === 'sf-event-lead'),
        );
        const trigger = receiver.received.find(
          (t) => (t.body.campaign as { id: string }).id === 'sf-event-lead',
        )!;
        expect(trigger.body.recipient).toMatchObject({
          crm: { platform: 'salesforce', objectType: 'contact', objectId: '0035e00000AbCdEAAV' },
          address: {
            line1: 'Mariahilfer Straße 1',
            line2: 'Top 4',
            postalCode: '1060',
            city: 'Wien',
            country: 'AT',
          },
        });
        const wrongToken = await fetch(`${connector.baseUrl}/webhooks/salesforce/not-the-token`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body: xml,
        });
        expect(wrongToken.status).toBe(401);
      });

      it('cancels a delayed trigger when a later event reverses its condition', async () => {
        const won = hubspotBatch([
          {
            subscriptionType: 'deal.propertyChange',
            objectId: 301,
            propertyName: 'dealstage',
            propertyValue: 'closedwon',
          },
        ]);
        expect((await postHubSpot(won)).status).toBe(204);
        const row = await decided(`:${eventSeq - 1}:`);
        expect(row.status).toBe('triggered');
        const pending = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('event_id', '=', row.id)
          .executeTakeFirstOrThrow();
        expect(pending.status).toBe('pending');
        expect(pending.send_at).toBeGreaterThan(Date.now() + 86_400_000);
        const lost = hubspotBatch([
          {
            subscriptionType: 'deal.propertyChange',
            objectId: 301,
            propertyName: 'dealstage',
            propertyValue: 'closedlost',
          },
        ]);
        expect((await postHubSpot(lost)).status).toBe(204);
        const cancelled = await triggerIn('cancelled', 'id', pending.id);
        expect(cancelled.reason).toMatch(
          /reversed by event .*trigger\.to: expected "closedwon", got "closedlost"/,
        );
      });

      it('a delayed piece follows its recipient to a new address, and is cancelled when the address breaks', async () => {
        const won = hubspotBatch([
          {
            subscriptionType: 'deal.propertyChange',
            objectId: 302,
            propertyName: 'dealstage',
            propertyValue: 'closedwon',
          },
        ]);
        expect((await postHubSpot(won)).status).toBe(204);
        const row = await decided(`:${eventSeq - 1}:`);
        const pending = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('event_id', '=', row.id)
          .executeTakeFirstOrThrow();
        expect(JSON.parse(pending.payload).recipient.address.line1).toBe('Alte Straße 1');

        const moved = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 105,
            propertyName: 'address',
            propertyValue: 'Neue Straße 5',
          },
        ]);
        expect((await postHubSpot(moved)).status).toBe(204);
        await decided(`:${eventSeq - 1}:`);
        const refreshed = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('id', '=', pending.id)
          .executeTakeFirstOrThrow();
        expect(refreshed.status).toBe('pending');
        expect(JSON.parse(refreshed.payload).recipient).toMatchObject({
          crm: { objectType: 'contact', objectId: '105' },
          address: { line1: 'Neue Straße 5', postalCode: '80331', city: 'München' },
        });

        const broken = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 105,
            propertyName: 'zip',
            propertyValue: '',
          },
        ]);
        expect((await postHubSpot(broken)).status).toBe(204);
        const cancelled = await triggerIn('cancelled', 'id', pending.id);
        expect(cancelled.reason).toMatch(/^incomplete_address: address\.postalCode/);
      });

      it('a privacy deletion purges personal data and keeps the person suppressed', async () => {
        const before = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('recipient_ref', '=', 'hubspot:contact:101')
          .execute();
        expect(before.length).toBeGreaterThan(0);
        const deletion = hubspotBatch([{ subscriptionType: 'contact.privacyDeletion', objectId: 101 }]);
        expect((await postHubSpot(deletion)).status).toBe(204);
        await decided(`:${eventSeq - 1}:`);
        const suppressions = await connector.handle.db
          .selectFrom('suppressions')
          .selectAll()
          .where('workspace_id', '=', 'acme')
          .execute();
        expect(new Set(suppressions.map((s) => s.kind))).toEqual(
          new Set(['crm', 'email', 'address', 'erased']),
        );
        const triggers = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('recipient_ref', '=', 'hubspot:contact:101')
          .execute();
        for (const t of triggers) expect(t.payload).not.toContain('Erika');
        const events = await connector.handle.db
          .selectFrom('events')
          .selectAll()
          .where('object_id', '=', '101')
          .execute();
        for (const e of events) expect(e.payload).not.toContain('customer');
        // The contact comes back (re-import): still never mailed.
        const again = hubspotBatch([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: 101,
            propertyName: 'city',
            propertyValue: 'Bonn',
          },
        ]);
        expect((await postHubSpot(again)).status).toBe(204);
        const row = await decided(`:${eventSeq - 1}:`);
        // The erasure tombstone decides it before the suppression list is even asked.
        expect(row).toMatchObject({ status: 'skipped', reason: 'erased' });
        const decisions = await connector.handle.db
          .selectFrom('decisions')
          .selectAll()
          .where('event_id', '=', row.id)
          .execute();
        expect(decisions.find((d) => d.campaign_id === 'address-update')).toMatchObject({
          outcome: 'skipped',
          reason: 'erased',
        });
        const afterTriggers = await connector.handle.db
          .selectFrom('triggers')
          .selectAll()
          .where('event_id', '=', row.id)
          .execute();
        expect(afterTriggers).toHaveLength(0);
      });

      it('answers malformed or unconfigured requests with a 4xx that says what is wrong', async () => {
        const install = await fetch(`${connector.baseUrl}/oauth/hubspot/install`, { redirect: 'manual' });
        expect(install.status).toBe(404);
        expect(await install.json()).toMatchObject({
          error: 'oauth_unavailable',
          message: expect.stringMatching(/clientId/),
        });
        const notJson = '{"not":"an array"}';
        const malformed = await postHubSpot(notJson);
        expect(malformed.status).toBe(400);
        const unknown = await fetch(`${connector.baseUrl}/webhooks/nowhere`, { method: 'POST' });
        expect(unknown.status).toBe(404);
        expect(await unknown.json()).toMatchObject({ error: 'not_found' });
        const soap = await fetch(`${connector.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body: '<soapenv:Envelope><soapenv:Body><notifications>',
        });
        expect(soap.status).toBe(400);
        expect(await soap.text()).toContain('faultstring');
        // The endpoint token is the secret part of the URL: it must not reach the logs.
        expect(connector.logs.join('')).toContain('/webhooks/salesforce/[redacted]');
        expect(connector.logs.join('')).not.toContain(SF_TOKEN);
        expect((await fetch(`${connector.baseUrl}/healthz`)).status).toBe(200);
      });

      it('rejects a bad signature with 401 and stores nothing', async () => {
        const body = hubspotBatch([{ subscriptionType: 'contact.creation', objectId: 999 }]);
        const headers = signV3({
          secret: 'wrong-secret',
          method: 'POST',
          url: `${PUBLIC_URL}/webhooks/hubspot`,
          body,
        });
        const response = await fetch(`${connector.baseUrl}/webhooks/hubspot`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        expect(response.status).toBe(401);
        const rows = await connector.handle.db
          .selectFrom('events')
          .selectAll()
          .where('object_id', '=', '999')
          .execute();
        expect(rows).toHaveLength(0);
      });
    },
  );
}
