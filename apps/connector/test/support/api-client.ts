import { parseWebhookBatch } from '@hookpost/hubspot';
import { signV3 } from '@hookpost/hubspot/testing';
import { HUBSPOT_SECRET, TEST_SECRET } from './connector.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const PUBLIC_URL = 'https://hooks.example.com';
export const ORG_ID = '00D5e000000KQ2eEAG';
export const SF_TOKEN = 'sf-endpoint-token-1234567890';

/** The connector configuration the admin API tests run against. */
export function apiTestConfig(hubspotUrl: string, receiverUrl: string): string {
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
      - id: moved
        name: Moved house, sent in two days
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: city }
        policy: { oncePerRecipient: false, delay: P2D }
      - id: address-update
        name: Address update, sent at once
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: zip }
        policy: { oncePerRecipient: false }
      - id: sf-event-lead
        name: Event follow-up
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: outbound_message }
        conditions: { all: [ { field: LeadSource, equals: Event } ] }
`;
}

let eventSeq = Date.now();

/** A HubSpot webhook batch (raw JSON text) and the ids the connector stores its events under. */
export function hubspotBatch(events: Record<string, unknown>[], portalId = 62515) {
  const body = JSON.stringify(
    events.map((e) => ({
      eventId: eventSeq++,
      subscriptionId: 7,
      portalId,
      appId: 1,
      occurredAt: Date.now(),
      attemptNumber: 0,
      subscriptionType: 'contact.propertyChange',
      changeSource: 'CRM_UI',
      ...e,
    })),
  );
  return { body, ids: parseWebhookBatch(body).map((e) => e.id) };
}

export const propertyChange = (objectId: number, propertyName: string, propertyValue: string) => ({
  objectId,
  propertyName,
  propertyValue,
});

/** POSTs a v3-signed HubSpot delivery, as HubSpot does. */
export async function postHubSpot(baseUrl: string, body: string): Promise<number> {
  const headers = signV3({
    secret: HUBSPOT_SECRET,
    method: 'POST',
    url: `${PUBLIC_URL}/webhooks/hubspot`,
    body,
  });
  const response = await fetch(`${baseUrl}/webhooks/hubspot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return response.status;
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small client for `/api` over real HTTP, with the bearer token unless told otherwise. */
export function adminClient(baseUrl: string, token: string | null = ADMIN_TOKEN) {
  async function call<T>(method: string, path: string, body?: unknown, raw?: string): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers,
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : null) as T,
      headers: response.headers,
    };
  }
  return {
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>('POST', path, body),
    postRaw: <T = Record<string, unknown>>(path: string, raw: string) =>
      call<T>('POST', path, undefined, raw),
  };
}
export type AdminClient = ReturnType<typeof adminClient>;
