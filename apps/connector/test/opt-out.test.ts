import { type FakeHubSpot, signV3, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { buildOutboundMessage, parseOutboundMessage, toCrmEvents } from '@hookpost/salesforce';
import { type FakeSalesforce, startFakeSalesforce } from '@hookpost/salesforce/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotBatch, ORG_ID, PUBLIC_URL, SF_TOKEN } from './support/api-client.js';
import { eventually, HUBSPOT_SECRET, startTestConnector } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { connectedApp, SF_CLIENT_ID, SF_USERNAME, writePrivateKeyFile } from './support/salesforce-app.js';

// Every recipient path of both CRMs, each with an opted-out and a consenting recipient. The
// opt-out flag is never in the inbound payload: it only reaches the rules if the adapter's
// derived field list asks the CRM for it.
const config = (hubspotUrl: string, salesforceUrl: string, keyFile: string) => `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: hub
    hubspot: { portalId: 62515, accessToken: test-token, optOutProperty: do_not_mail }
    destinations: { printer: { type: log } }
    campaigns:
      - { id: hs-contact, destination: printer, recipient: contact,
          trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer } }
      - { id: hs-deal, destination: printer, recipient: associated_contact,
          trigger: { platform: hubspot, object: deal, on: property_change, property: dealstage, to: closedwon } }
      - { id: hs-company, destination: printer, recipient: company,
          trigger: { platform: hubspot, object: company, on: property_change, property: tier, to: gold } }
  - id: sf
    salesforce:
      organizationId: ${ORG_ID}
      endpointToken: ${SF_TOKEN}
      instanceUrl: ${salesforceUrl}
      loginUrl: ${salesforceUrl}
      auth: { type: jwt, clientId: ${SF_CLIENT_ID}, username: ${SF_USERNAME}, privateKeyFile: ${keyFile} }
      optOutField: Do_Not_Mail__c
    destinations: { printer: { type: log } }
    campaigns:
      - { id: sf-contact, destination: printer, recipient: contact,
          trigger: { platform: salesforce, object: contact, on: outbound_message } }
      - { id: sf-lead, destination: printer, recipient: contact,
          trigger: { platform: salesforce, object: lead, on: outbound_message } }
      - { id: sf-opportunity, destination: printer, recipient: associated_contact,
          trigger: { platform: salesforce, object: opportunity, on: outbound_message },
          conditions: { field: StageName, equals: Closed Won } }
      - { id: sf-account, destination: printer, recipient: company,
          trigger: { platform: salesforce, object: account, on: outbound_message } }
`;

const hsAddress = { address: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' };
const sfMailing = {
  MailingStreet: 'Heidestraße 17',
  MailingPostalCode: '51147',
  MailingCity: 'Köln',
  MailingCountry: 'Germany',
};
const sfBilling = {
  BillingStreet: 'Heidestraße 17',
  BillingPostalCode: '51147',
  BillingCity: 'Köln',
  BillingCountry: 'Germany',
};
const sfStreet = { Street: 'Heidestraße 17', PostalCode: '51147', City: 'Köln', Country: 'Germany' };

/** Ids of the opted-out (`out`) and consenting (`in`) record per path. */
const SF = {
  contact: { out: '003xx0000000001AAA', in: '003xx0000000002AAA' },
  lead: { out: '00Qxx0000000001AAA', in: '00Qxx0000000002AAA' },
  opportunity: { out: '006xx0000000001AAA', in: '006xx0000000002AAA' },
  account: { out: '001xx0000000001AAA', in: '001xx0000000002AAA' },
};

function seedHubSpot(hubspot: FakeHubSpot) {
  for (const [id, flag] of [
    ['201', 'true'],
    ['202', 'false'],
  ] as const) {
    hubspot.addRecord('contact', id, {
      firstname: 'Erika',
      lastname: 'Mustermann',
      ...hsAddress,
      do_not_mail: flag,
    });
  }
  hubspot.addRecord('deal', '301', { dealstage: 'closedwon' });
  hubspot.addRecord('deal', '302', { dealstage: 'closedwon' });
  hubspot.associate('deal', '301', 'contact', '201');
  hubspot.associate('deal', '302', 'contact', '202');
  hubspot.addRecord('company', '401', { name: 'ACME GmbH', ...hsAddress, do_not_mail: 'true' });
  hubspot.addRecord('company', '402', { name: 'Beta GmbH', ...hsAddress, do_not_mail: 'false' });
}

const person = (flag: boolean) => ({ FirstName: 'Erika', LastName: 'Mustermann', Do_Not_Mail__c: flag });
const salesforceRecords = {
  Contact: [
    { Id: SF.contact.out, ...person(true), ...sfMailing, AccountId: SF.account.in },
    { Id: SF.contact.in, ...person(false), ...sfMailing, AccountId: SF.account.in },
  ],
  Lead: [
    { Id: SF.lead.out, ...person(true), Company: 'ACME', ...sfStreet },
    { Id: SF.lead.in, ...person(false), Company: 'ACME', ...sfStreet },
  ],
  Opportunity: [
    { Id: SF.opportunity.out, StageName: 'Closed Won', ContactId: null },
    { Id: SF.opportunity.in, StageName: 'Closed Won', ContactId: null },
  ],
  OpportunityContactRole: [
    {
      Id: '00Kxx0000000001AAA',
      OpportunityId: SF.opportunity.out,
      ContactId: SF.contact.out,
      IsPrimary: true,
      CreatedDate: '2026-11-01T10:00:00.000Z',
    },
    {
      Id: '00Kxx0000000002AAA',
      OpportunityId: SF.opportunity.in,
      ContactId: SF.contact.in,
      IsPrimary: true,
      CreatedDate: '2026-11-01T10:00:00.000Z',
    },
  ],
  Account: [
    { Id: SF.account.out, Name: 'ACME GmbH', Do_Not_Mail__c: true, ...sfBilling },
    { Id: SF.account.in, Name: 'Beta GmbH', Do_Not_Mail__c: false, ...sfBilling },
  ],
};

interface RecipientPath {
  campaign: string;
  /** Sends the inbound delivery for the opted-out (`out`) or consenting (`in`) record; returns its event id. */
  send(which: 'out' | 'in'): Promise<string>;
}

let hubspot: FakeHubSpot;
let salesforce: FakeSalesforce;
let connector: Awaited<ReturnType<typeof startTestConnector>>;

async function postHubSpot(event: Record<string, unknown>): Promise<string> {
  const { body, ids } = hubspotBatch([event]);
  const url = `${PUBLIC_URL}/webhooks/hubspot`;
  const headers = signV3({ secret: HUBSPOT_SECRET, method: 'POST', url, body });
  const response = await fetch(`${connector.baseUrl}/webhooks/hubspot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  expect(response.status).toBe(204);
  return ids[0] ?? '';
}

let notification = 1;
async function postSalesforce(objectType: string, fields: Record<string, string>): Promise<string> {
  const xml = buildOutboundMessage({
    organizationId: ORG_ID,
    actionId: '04k5e000000AbCdAAK',
    notifications: [
      {
        id: `04l5e00000${String(notification++).padStart(5, '0')}AAK`,
        objectType,
        fields: { ...fields, LastModifiedDate: new Date().toISOString() },
      },
    ],
  });
  const response = await fetch(`${connector.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: xml,
  });
  expect(await response.text()).toContain('<Ack>true</Ack>');
  return toCrmEvents(parseOutboundMessage(xml))[0]?.id ?? '';
}

const PATHS: Record<string, RecipientPath> = {
  'HubSpot contact': {
    campaign: 'hs-contact',
    send: (w) =>
      postHubSpot({
        objectId: w === 'out' ? 201 : 202,
        propertyName: 'lifecyclestage',
        propertyValue: 'customer',
      }),
  },
  'HubSpot associated contact of a deal': {
    campaign: 'hs-deal',
    send: (w) =>
      postHubSpot({
        subscriptionType: 'deal.propertyChange',
        objectId: w === 'out' ? 301 : 302,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      }),
  },
  'HubSpot company': {
    campaign: 'hs-company',
    send: (w) =>
      postHubSpot({
        subscriptionType: 'company.propertyChange',
        objectId: w === 'out' ? 401 : 402,
        propertyName: 'tier',
        propertyValue: 'gold',
      }),
  },
  'Salesforce contact': {
    campaign: 'sf-contact',
    send: (w) => postSalesforce('Contact', { Id: SF.contact[w] }),
  },
  'Salesforce lead': { campaign: 'sf-lead', send: (w) => postSalesforce('Lead', { Id: SF.lead[w] }) },
  'Salesforce opportunity contact role': {
    campaign: 'sf-opportunity',
    send: (w) => postSalesforce('Opportunity', { Id: SF.opportunity[w], StageName: 'Closed Won' }),
  },
  'Salesforce account': {
    campaign: 'sf-account',
    send: (w) => postSalesforce('Account', { Id: SF.account[w] }),
  },
};

const decisionOf = (eventId: string, campaign: string) =>
  eventually(async () =>
    connector.handle.db
      .selectFrom('decisions')
      .select(['outcome', 'reason', 'detail'])
      .where('event_id', '=', eventId)
      .where('campaign_id', '=', campaign)
      .executeTakeFirst(),
  );

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`opt-out on every recipient path (${dialect.name})`, () => {
    beforeAll(async () => {
      hubspot = await startFakeHubSpot();
      seedHubSpot(hubspot);
      salesforce = await startFakeSalesforce({
        ...connectedApp,
        organizationId: ORG_ID,
        records: salesforceRecords,
      });
      const keyFile = writePrivateKeyFile();
      connector = await startTestConnector(config(hubspot.url, salesforce.url, keyFile), {
        databaseUrl: await dialect.url(),
      });
    });

    afterAll(async () => {
      await connector?.stop();
      await hubspot?.close();
      await salesforce?.close();
    });

    for (const [name, recipientPath] of Object.entries(PATHS)) {
      it(`${name}: the opted-out recipient is skipped suppressed, the consenting one triggered`, async () => {
        const optedOut = await recipientPath.send('out');
        const consenting = await recipientPath.send('in');
        expect(await decisionOf(optedOut, recipientPath.campaign)).toEqual({
          outcome: 'skipped',
          reason: 'suppressed',
          detail: 'opt-out property set in the CRM',
        });
        expect(await decisionOf(consenting, recipientPath.campaign)).toMatchObject({ outcome: 'triggered' });
      });
    }
  });
}
