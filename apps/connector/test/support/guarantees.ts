import { eventIdFor, parseWebhookDelivery } from '@hookpost/hubspot';
import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { createAdminApi } from '../../src/api/router.js';
import { ADMIN_TOKEN, type AdminClient, adminClient, PUBLIC_URL, postHubSpot } from './api-client.js';
import { eventually, HUBSPOT_SECRET, startTestConnector, TEST_SECRET } from './connector.js';
import type { DialectCase } from './databases.js';
import { type Receiver, startReceiver } from './receiver.js';

/** The connector of the mailing-guarantee scenarios: a delayed campaign (pieces stay pending) and an immediate one. */
export function guaranteesConfig(hubspotUrl: string, receiverUrl: string): string {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, accessToken: test-token }
    destinations:
      mailer:
        type: webhook
        url: ${receiverUrl}
        secret: ${TEST_SECRET}
        timeout: PT2S
        retry: { initialDelay: PT0.1S, maxDelay: PT0.5S, maxAge: PT1M }
    campaigns:
      - id: welcome-pack
        name: Welcome pack, sent in two days
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
        conditions: { all: [ { field: address.country, in: [DE, AT, CH] } ] }
        policy: { delay: P2D }
      - id: address-update
        name: Address update, sent at once
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: zip }
        policy: { oncePerRecipient: false }
`;
}

export const GERMAN = {
  firstname: 'Erika',
  lastname: 'Mustermann',
  email: 'erika@example.de',
  address: 'Heidestraße 17',
  zip: '51147',
  city: 'Köln',
  country: 'Germany',
};

export interface EventView {
  id: string;
  objectType: string;
  objectId: string;
  kind: string;
  status: string;
  reason: string | null;
  rawDeliveryId: string;
  payload: { changes?: Record<string, unknown>; source?: Record<string, unknown> };
  decisions: {
    campaignId: string;
    outcome: string;
    reason: string | null;
    detail: string | null;
    triggerId: string | null;
    recipientRef?: string | null;
  }[];
  runs: { run: number; decisions: EventView['decisions'] }[];
  triggers: { id: string; status: string; campaign: string }[];
}

export interface Scenario {
  hubspot: FakeHubSpot;
  receiver: Receiver;
  connector: Awaited<ReturnType<typeof startTestConnector>>;
  api: AdminClient;
  /** POSTs signed HubSpot items (defaults filled in): the HTTP status, the stored event ids (readable items first, then malformed ones). */
  post(items: Record<string, unknown>[]): Promise<{ status: number; ids: string[]; body: string }>;
  /** The event, once the worker decided it (and, when given, once `until` holds). */
  decided(id: string, until?: (event: EventView) => boolean): Promise<EventView>;
  stop(): Promise<void>;
}

let eventSeq = 500_000;

/** A HubSpot webhook item with every required field; `occurredAt` may be set. */
export function item(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    eventId: eventSeq++,
    subscriptionId: 7,
    portalId: 62515,
    appId: 1,
    occurredAt: Date.now(),
    attemptNumber: 0,
    subscriptionType: 'contact.propertyChange',
    changeSource: 'CRM_UI',
    ...fields,
  };
}

function storedIds(body: string): string[] {
  try {
    const { events, malformed } = parseWebhookDelivery(body);
    return [
      ...events.map((e) => e.id),
      ...malformed.map((m) => eventIdFor('hubspot', m.accountId ?? '', m.externalId)),
    ];
  } catch {
    return [];
  }
}

/**
 * Starts a fake HubSpot, a receiver and a connector with the admin API on a fresh database,
 * configured by `config` (the guarantee scenarios' configuration unless given).
 */
export async function startScenario(
  dialect: DialectCase,
  config: (hubspotUrl: string, receiverUrl: string) => string = guaranteesConfig,
): Promise<Scenario> {
  const hubspot = await startFakeHubSpot();
  const receiver = await startReceiver(TEST_SECRET);
  let connector: Scenario['connector'] | undefined;
  try {
    connector = await startTestConnector(config(hubspot.url, receiver.url), {
      databaseUrl: await dialect.url(),
      api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
    });
  } catch (error) {
    await receiver.close();
    await hubspot.close();
    throw error;
  }
  const running = connector;
  const api = adminClient(running.baseUrl);
  return {
    hubspot,
    receiver,
    connector: running,
    api,
    async post(items) {
      const body = JSON.stringify(items.map(item));
      const status = await postHubSpot(running.baseUrl, body);
      return { status, ids: storedIds(body), body };
    },
    decided: (id, until = () => true) =>
      eventually(async () => {
        const answer = await api.get<EventView>(`/events/${id}`);
        const event = answer.body;
        return answer.status === 200 && event.status !== 'pending' && until(event) ? event : undefined;
      }),
    async stop() {
      await running.stop();
      await receiver.close();
      await hubspot.close();
    },
  };
}
