import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { buildOutboundMessage } from '@hookpost/salesforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../src/api/router.js';
import {
  ADMIN_TOKEN,
  type AdminClient,
  adminClient,
  apiTestConfig,
  hubspotBatch,
  ORG_ID,
  postHubSpot,
  propertyChange,
} from './support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { type Receiver, startReceiver } from './support/receiver.js';

interface DryRunAnswer {
  events: {
    event: { id: string; objectId: string };
    workspace: string | null;
    status: string;
    reason: string;
    decisions: {
      campaignId: string;
      outcome: string;
      reason: string | null;
      detail: string | null;
      trigger: {
        id: string;
        destination: string;
        sendAt: string | null;
        payload: Record<string, unknown>;
      } | null;
    }[];
    cancels: unknown[];
  }[];
}

const TABLES = [
  'raw_deliveries',
  'events',
  'decisions',
  'triggers',
  'delivery_attempts',
  'outbox',
  'suppressions',
] as const;

let hubspot: FakeHubSpot;
let receiver: Receiver;
let connector: Awaited<ReturnType<typeof startTestConnector>>;
let api: AdminClient;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await connector.handle.db
      .selectFrom(table as 'events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

beforeAll(async () => {
  hubspot = await startFakeHubSpot();
  hubspot.addRecord('contact', '301', {
    firstname: 'Erika',
    lastname: 'Mustermann',
    address: 'Heidestraße 17',
    zip: '51147',
    city: 'Köln',
    country: 'Germany',
  });
  hubspot.addRecord('contact', '302', {
    firstname: 'Marie',
    lastname: 'Curie',
    address: '12 Rue de Rivoli',
    zip: '75004',
    city: 'Paris',
    country: 'France',
  });
  hubspot.addRecord('contact', '303', {
    firstname: 'Hans',
    lastname: 'Ohneort',
    zip: '10115',
    country: 'DE',
  });
  receiver = await startReceiver(TEST_SECRET);
  connector = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), {
    api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
  });
  api = adminClient(connector.baseUrl);
});

afterAll(async () => {
  await connector?.stop();
  await receiver?.close();
  await hubspot?.close();
});

describe('POST /api/dry-run', () => {
  it('explains every campaign decision for a HubSpot batch, with CRM lookups, and writes nothing', async () => {
    const before = await rowCounts();
    const reads = hubspot.stats.batchReads;
    const { body } = hubspotBatch([
      propertyChange(301, 'lifecyclestage', 'customer'),
      propertyChange(302, 'lifecyclestage', 'customer'),
      propertyChange(303, 'lifecyclestage', 'customer'),
    ]);
    const answer = await api.post<DryRunAnswer>('/dry-run', { hubspot: JSON.parse(body) });
    expect(answer.status).toBe(200);
    const [erika, marie, hans] = answer.body.events;
    expect(erika).toMatchObject({ workspace: 'acme', status: 'triggered', reason: 'welcome-pack' });
    const welcome = erika?.decisions.find((d) => d.campaignId === 'welcome-pack');
    expect(welcome?.trigger?.payload).toMatchObject({
      type: 'campaign.trigger',
      recipient: { firstName: 'Erika', address: { city: 'Köln', country: 'DE' } },
      variables: { firstName: 'Erika' },
    });
    expect(erika?.decisions.find((d) => d.campaignId === 'moved')).toMatchObject({
      outcome: 'no_match',
      trigger: null,
    });
    expect(marie).toMatchObject({ status: 'no_match' });
    expect(marie?.decisions.find((d) => d.campaignId === 'welcome-pack')?.reason).toMatch(
      /address\.country.*"FR"/,
    );
    expect(hans).toMatchObject({ status: 'skipped', reason: 'incomplete_address' });
    expect(hubspot.stats.batchReads).toBeGreaterThan(reads);

    expect(await rowCounts()).toEqual(before);
    expect(receiver.received).toHaveLength(0);
  });

  it('sees the real mailing history: after a send, the same event would be already_sent', async () => {
    const batch = hubspotBatch([propertyChange(301, 'lifecyclestage', 'customer')]);
    expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
    await receiver.waitFor((r) => r.length === 1);
    await eventually(async () => {
      const row = await connector.handle.db
        .selectFrom('triggers')
        .select('status')
        .where('event_id', '=', batch.ids[0] as string)
        .executeTakeFirst();
      return row?.status === 'delivered' ? row : undefined;
    });
    const before = await rowCounts();
    const next = hubspotBatch([propertyChange(301, 'lifecyclestage', 'customer')]);
    const answer = await api.post<DryRunAnswer>('/dry-run', { hubspot: JSON.parse(next.body) });
    expect(answer.body.events[0]).toMatchObject({ status: 'skipped', reason: 'already_sent' });
    expect(answer.body.events[0]?.decisions.find((d) => d.campaignId === 'welcome-pack')?.detail).toMatch(
      /^sent /,
    );
    expect(await rowCounts()).toEqual(before);
  });

  it('takes a normalised CrmEvent, and a workspace that overrides routing', async () => {
    const event = {
      id: 'evt_dry_run_manual',
      platform: 'hubspot',
      accountId: '1',
      externalId: 'manual-1',
      objectType: 'contact',
      objectId: '302',
      kind: 'updated',
      changes: { zip: { value: '75004' } },
      occurredAt: new Date().toISOString(),
    };
    const unrouted = await api.post<DryRunAnswer>('/dry-run', { event });
    expect(unrouted.body.events[0]).toMatchObject({
      status: 'unrouted',
      workspace: null,
      reason: 'no workspace for hubspot account 1',
      decisions: [],
    });
    const routed = await api.post<DryRunAnswer>('/dry-run', { workspace: 'acme', event });
    expect(routed.body.events[0]).toMatchObject({
      workspace: 'acme',
      status: 'triggered',
      reason: 'address-update',
    });
    const unknown = await api.post('/dry-run', { workspace: 'nope', event });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(unknown.body.message).toContain('unknown workspace "nope" (known: acme)');
    expect(
      await connector.handle.db.selectFrom('events').select('id').where('id', '=', event.id).execute(),
    ).toEqual([]);
  });

  it('takes a Salesforce outbound message and decides from the fields it carries', async () => {
    const xml = buildOutboundMessage({
      organizationId: ORG_ID,
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000009DrYrAAK',
          objectType: 'Contact',
          fields: {
            Id: '0035e00000DrYrUAAV',
            FirstName: 'Ada',
            LastName: 'Lovelace',
            LeadSource: 'Web',
            MailingStreet: 'Mariahilfer Straße 1',
            MailingPostalCode: '1060',
            MailingCity: 'Wien',
            MailingCountry: 'AT',
          },
        },
      ],
    });
    const answer = await api.post<DryRunAnswer>('/dry-run', { salesforce: xml });
    expect(answer.status).toBe(200);
    expect(answer.body.events[0]).toMatchObject({ workspace: 'acme', status: 'no_match' });
    expect(answer.body.events[0]?.decisions).toEqual([
      expect.objectContaining({
        campaignId: 'sf-event-lead',
        outcome: 'no_match',
        reason: expect.stringContaining('LeadSource'),
      }),
    ]);
  });

  it('answers 400 with what is wrong in the body', async () => {
    const empty = await api.post('/dry-run', {});
    expect(empty).toMatchObject({ status: 400, body: { error: 'bad_request', issues: [{ path: 'body' }] } });
    const badEvent = await api.post<{ issues: { path: string }[] }>('/dry-run', {
      event: { id: 'x', platform: 'pipedrive' },
    });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['body.event.platform', 'body.event.occurredAt']),
    );
    const badBatch = await api.post('/dry-run', { hubspot: [{ eventId: 'one' }] });
    expect(badBatch.status).toBe(400);
    expect(badBatch.body.message).toMatch(/^body\.hubspot: .*malformed webhook delivery/);
    const badXml = await api.post('/dry-run', { salesforce: '<not-soap/>' });
    expect(badXml.status).toBe(400);
    expect(badXml.body.message).toMatch(/^body\.salesforce: /);
  });
});
