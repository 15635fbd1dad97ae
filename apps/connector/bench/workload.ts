import { signRequestV3 } from '@hookpost/hubspot';
import { buildOutboundMessage } from '@hookpost/salesforce';

export const PUBLIC_URL = 'http://bench.hookpost.local';
export const HUBSPOT_SECRET = 'bench-client-secret';
export const SF_TOKEN = 'bench-endpoint-token-0123456789';
export const ORG_ID = '00D5e000000KQ2eEAG';
export const PORTAL_ID = 62515;
export const CONTACTS = 1_000;

/** The connector's configuration for the benchmarks: 5 campaigns, records from a local dataset. */
export function benchConfig(datasetFile: string): string {
  const campaign = (id: string, property: string, to: string, extra = '') => `
      - id: ${id}
        destination: log
        trigger: { platform: hubspot, object: contact, on: property_change, property: ${property}, to: ${to} }
        ${extra}`;
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET} }
workspaces:
  - id: bench
    hubspot: { portalId: ${PORTAL_ID}, dataset: ${datasetFile} }
    salesforce: { organizationId: ${ORG_ID}, endpointToken: ${SF_TOKEN} }
    destinations: { log: { type: log } }
    campaigns:${campaign('welcome', 'lifecyclestage', 'customer', 'conditions: { all: [ { field: address.country, in: [DE, AT, CH] } ] }')}${campaign('evangelist', 'lifecyclestage', 'evangelist')}${campaign('moved', 'city', 'Berlin', 'policy: { oncePerRecipient: false }')}${campaign('vip', 'hs_lead_status', 'VIP')}
      - id: sf-contacts
        destination: log
        trigger: { platform: salesforce, object: contact, on: outbound_message }
        conditions: { all: [ { field: LeadSource, equals: Event } ] }
`;
}

export function benchDataset(): string {
  const contacts: Record<string, Record<string, string>> = {};
  for (let i = 0; i < CONTACTS; i++) {
    contacts[String(i)] = {
      firstname: `Erika${i}`,
      lastname: 'Mustermann',
      address: `Heidestraße ${i % 200}`,
      zip: String(10_000 + (i % 80_000)).padStart(5, '0'),
      city: 'Köln',
      country: i % 4 === 0 ? 'France' : 'Deutschland',
      lifecyclestage: 'lead',
    };
  }
  return JSON.stringify({ contacts });
}

const LIFECYCLE = ['lead', 'customer', 'evangelist', 'subscriber', 'opportunity'];
let eventId = 1;

/** A HubSpot delivery of `size` distinct property-change events, as HubSpot sends them. */
export function hubspotBatch(size: number, now = Date.now()): string {
  const events = [];
  for (let i = 0; i < size; i++) {
    const id = eventId++;
    events.push({
      eventId: id,
      subscriptionId: 25,
      portalId: PORTAL_ID,
      appId: 1160452,
      occurredAt: now,
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: id % CONTACTS,
      propertyName: 'lifecyclestage',
      propertyValue: LIFECYCLE[id % LIFECYCLE.length],
      changeSource: 'CRM_UI',
    });
  }
  return JSON.stringify(events);
}

export function signedHubSpot(size: number): { body: string; headers: Record<string, string> } {
  const body = hubspotBatch(size);
  const headers = signRequestV3({
    clientSecret: HUBSPOT_SECRET,
    method: 'POST',
    url: `${PUBLIC_URL}/webhooks/hubspot`,
    body,
  });
  return { body, headers: { 'content-type': 'application/json', ...headers } };
}

let notification = 1;
export function salesforceMessage(): { body: string; headers: Record<string, string> } {
  const n = notification++;
  const body = buildOutboundMessage({
    organizationId: ORG_ID,
    actionId: '04k5e000000AbCdAAK',
    notifications: [
      {
        id: `04l5e${String(n).padStart(13, '0')}`,
        objectType: 'Contact',
        fields: {
          Id: `0035e${String(n % CONTACTS).padStart(13, '0')}`,
          FirstName: 'Ada',
          LastName: 'Lovelace',
          LeadSource: n % 2 === 0 ? 'Event' : 'Web',
          MailingStreet: 'Mariahilfer Straße 1',
          MailingPostalCode: '1060',
          MailingCity: 'Wien',
          MailingCountry: 'Austria',
          LastModifiedDate: new Date().toISOString(),
        },
      },
    ],
  });
  return { body, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' } };
}
