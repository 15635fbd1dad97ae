import { buildOutboundMessage } from '@hookpost/salesforce';
import { type FakeSalesforce, startFakeSalesforce } from '@hookpost/salesforce/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_ID } from './support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { connectedApp, SF_CLIENT_ID, SF_USERNAME, writePrivateKeyFile } from './support/salesforce-app.js';

const TOKEN = 'sf-endpoint-token-1234567890';
const OPPORTUNITY = '006xx000001a2b3AAA';
const CONTACT = '003xx0000000009AAA';

// The closed-won-gift campaign of the example configuration, with API access for enrichment and write-back.
const config = (salesforceUrl: string, keyFile: string, receiverUrl: string) => `
server: { publicUrl: https://hooks.example.com }
workspaces:
  - id: acme
    salesforce:
      organizationId: ${ORG_ID}
      endpointToken: ${TOKEN}
      instanceUrl: ${salesforceUrl}
      loginUrl: ${salesforceUrl}
      auth: { type: jwt, clientId: ${SF_CLIENT_ID}, username: ${SF_USERNAME}, privateKeyFile: ${keyFile} }
      writeBack: true
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET} }
    campaigns:
      - id: closed-won-gift
        name: Thank-you gift when an opportunity is won
        destination: mailer
        trigger: { platform: salesforce, object: opportunity, on: outbound_message }
        conditions:
          all:
            - { field: StageName, equals: Closed Won }
        recipient: associated_contact
`;

let salesforce: FakeSalesforce;
let receiver: Receiver;
let connector: Awaited<ReturnType<typeof startTestConnector>>;

beforeAll(async () => {
  salesforce = await startFakeSalesforce({
    ...connectedApp,
    organizationId: ORG_ID,
    records: {
      Opportunity: [
        { Id: OPPORTUNITY, StageName: 'Closed Won', AccountId: '001xx000003DGb2AAG', ContactId: null },
      ],
      OpportunityContactRole: [
        {
          Id: '00Kxx0000000001AAA',
          OpportunityId: OPPORTUNITY,
          ContactId: CONTACT,
          IsPrimary: true,
          CreatedDate: '2026-11-01T10:00:00.000Z',
        },
      ],
      Contact: [
        {
          Id: CONTACT,
          FirstName: 'Erika',
          LastName: 'Mustermann',
          AccountId: '001xx000003DGb2AAG',
          MailingStreet: 'Heidestraße 17',
          MailingCity: 'Köln',
          MailingState: null,
          MailingPostalCode: '51147',
          MailingCountry: 'Germany',
        },
      ],
      Account: [
        {
          Id: '001xx000003DGb2AAG',
          Name: 'ACME GmbH',
          BillingStreet: 'Heidestraße 17',
          BillingCity: 'Köln',
          BillingState: null,
          BillingPostalCode: '51147',
          BillingCountry: 'Germany',
        },
      ],
    },
  });
  const keyFile = writePrivateKeyFile();
  receiver = await startReceiver(TEST_SECRET);
  connector = await startTestConnector(config(salesforce.url, keyFile, receiver.url));
});

afterAll(async () => {
  await connector?.stop();
  await receiver?.close();
  await salesforce?.close();
});

describe('Salesforce with API access (fake Salesforce REST over jsforce)', () => {
  it('mails the primary contact of a won opportunity and writes a Task back', async () => {
    const xml = buildOutboundMessage({
      organizationId: ORG_ID,
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000001XyZaAAK',
          objectType: 'Opportunity',
          fields: {
            Id: OPPORTUNITY,
            StageName: 'Closed Won',
            AccountId: '001xx000003DGb2AAG',
            LastModifiedDate: '2026-11-27T09:00:00.000Z',
          },
        },
      ],
    });
    const response = await fetch(`${connector.baseUrl}/webhooks/salesforce/${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: xml,
    });
    expect(await response.text()).toContain('<Ack>true</Ack>');
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.received[0]?.body).toMatchObject({
      campaign: { id: 'closed-won-gift' },
      recipient: {
        crm: { platform: 'salesforce', objectType: 'contact', objectId: CONTACT },
        firstName: 'Erika',
        company: 'ACME GmbH',
        address: { line1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'DE' },
      },
    });
    const task = await eventually(async () => salesforce.tasks[0]);
    expect(task).toMatchObject({ WhoId: CONTACT, Subject: 'Direct mail sent', Status: 'Completed' });
    expect(salesforce.stats.tokenRequests).toBeGreaterThan(0);
    expect(salesforce.stats.queries.some((q) => q.includes('OpportunityContactRole'))).toBe(true);
  });
});
