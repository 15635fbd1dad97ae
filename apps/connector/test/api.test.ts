import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../src/api/router.js';
import {
  ADMIN_TOKEN,
  type AdminClient,
  adminClient,
  apiTestConfig,
  hubspotBatch,
  postHubSpot,
  propertyChange,
} from './support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { type Receiver, startReceiver } from './support/receiver.js';

interface EventItem {
  id: string;
  objectId: string;
  status: string;
  reason: string | null;
  receivedAt: string;
  occurredAt: string;
  attempts: number;
  workspace: string | null;
}
interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `admin API reads (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let hubspot: FakeHubSpot;
      let receiver: Receiver;
      let connector: Awaited<ReturnType<typeof startTestConnector>>;
      let api: AdminClient;
      let batchIds: string[] = [];

      const decided = (id: string) =>
        eventually(async () => {
          const answer = await api.get<EventItem>(`/events/${id}`);
          return answer.status === 200 && answer.body.status !== 'pending' ? answer.body : undefined;
        });

      beforeAll(async () => {
        hubspot = await startFakeHubSpot();
        const german = { address: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'Germany' };
        hubspot.addRecord('contact', '101', { firstname: 'Erika', lastname: 'Mustermann', ...german });
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
        for (const id of ['104', '105'])
          hubspot.addRecord('contact', id, { firstname: 'Max', lastname: 'Muster', ...german });
        receiver = await startReceiver(TEST_SECRET);
        connector = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), {
          databaseUrl: await dialect.url(),
          api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
        });
        api = adminClient(connector.baseUrl);
        const batch = hubspotBatch([
          propertyChange(101, 'lifecyclestage', 'customer'),
          propertyChange(102, 'lifecyclestage', 'customer'),
          propertyChange(103, 'lifecyclestage', 'customer'),
          propertyChange(104, 'lifecyclestage', 'lead'),
          propertyChange(105, 'lifecyclestage', 'lead'),
        ]);
        expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
        batchIds = batch.ids;
        for (const id of batchIds) await decided(id);
      });

      afterAll(async () => {
        await connector?.stop();
        await receiver?.close();
        await hubspot?.close();
      });

      describe('admin API authentication', () => {
        it('answers 401 JSON without the Authorization header', async () => {
          const answer = await adminClient(connector.baseUrl, null).get('/events');
          expect(answer.status).toBe(401);
          expect(answer.body).toEqual({
            error: 'unauthorized',
            message: expect.stringContaining('Authorization'),
          });
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        });

        it('answers 401 for a wrong token, also one that shares a prefix with the right one', async () => {
          for (const token of ['nope', `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1)]) {
            const answer = await adminClient(connector.baseUrl, token).get('/stats');
            expect(answer.status).toBe(401);
            expect(answer.body).toMatchObject({ error: 'unauthorized' });
          }
        });

        it('never writes the token to the log', () => {
          expect(connector.logs.join('')).not.toContain(ADMIN_TOKEN);
        });

        it('refuses to start with a guessable token', () => {
          expect(() => createAdminApi(connector, { token: 'short' })).toThrow(/at least 16 characters/);
        });
      });

      describe('GET /api/events', () => {
        it('lists events newest first with ISO times and their state', async () => {
          const answer = await api.get<Page<EventItem>>('/events');
          expect(answer.status).toBe(200);
          const byObject = new Map(answer.body.data.map((e) => [e.objectId, e]));
          expect(byObject.get('101')).toMatchObject({
            status: 'triggered',
            reason: 'welcome-pack',
            workspace: 'acme',
            attempts: 0,
            platform: 'hubspot',
            kind: 'updated',
            objectType: 'contact',
            accountId: '62515',
          });
          expect(byObject.get('103')).toMatchObject({ status: 'skipped', reason: 'incomplete_address' });
          expect(byObject.get('101')?.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
          const received = answer.body.data.map((e) => Date.parse(e.receivedAt));
          expect(received).toEqual([...received].sort((a, b) => b - a));
        });

        it('filters by status, object, platform and kind', async () => {
          const noMatch = await api.get<Page<EventItem>>('/events?status=no_match');
          expect(noMatch.body.data.map((e) => e.objectId).sort()).toEqual(['102', '104', '105']);
          const one = await api.get<Page<EventItem>>(
            '/events?objectType=contact&objectId=103&workspace=acme',
          );
          expect(one.body.data.map((e) => e.id)).toEqual([batchIds[2]]);
          expect((await api.get<Page<EventItem>>('/events?platform=salesforce')).body.data).toEqual([]);
          expect((await api.get<Page<EventItem>>('/events?kind=deleted')).body.data).toEqual([]);
        });

        it('pages with a keyset cursor: every event once, in order, even with equal receive times', async () => {
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const query: string = `/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
            const answer = await api.get<Page<EventItem>>(query);
            expect(answer.status).toBe(200);
            expect(answer.body.data.length).toBeLessThanOrEqual(2);
            seen.push(...answer.body.data.map((e) => e.id));
            cursor = answer.body.nextCursor;
            pages++;
          } while (cursor);
          expect(pages).toBe(3);
          expect(new Set(seen).size).toBe(seen.length);
          expect([...seen].sort()).toEqual([...batchIds].sort());
          // One batch shares a receive time: the id breaks the tie, descending.
          expect(seen).toEqual([...batchIds].sort().reverse());
        });

        it('answers 400 naming the problem for a bad query', async () => {
          const abc = await api.get('/events?limit=abc');
          expect(abc.status).toBe(400);
          expect(abc.body).toMatchObject({ error: 'bad_request', issues: [{ path: 'query.limit' }] });
          expect(abc.body.message).toContain('query.limit');
          expect((await api.get('/events?limit=0')).status).toBe(400);
          expect((await api.get('/events?limit=1000')).status).toBe(400);
          const status = await api.get('/events?status=done');
          expect(status).toMatchObject({ status: 400, body: { issues: [{ path: 'query.status' }] } });
          const unknown = await api.get('/events?colour=red');
          expect(unknown.status).toBe(400);
          expect(unknown.body.message).toContain('colour');
          const cursor = await api.get('/events?cursor=not-a-cursor');
          expect(cursor).toMatchObject({ status: 400, body: { issues: [{ path: 'query.cursor' }] } });
          expect((await api.get('/triggers?limit=abc')).status).toBe(400);
        });
      });

      describe('GET /api/events/:id', () => {
        it('shows the normalised payload, each campaign decision with its reason, and the trigger', async () => {
          const answer = await api.get<{
            payload: { objectId: string; changes: unknown };
            decisions: {
              campaignId: string;
              outcome: string;
              reason: string | null;
              triggerId: string | null;
            }[];
            triggers: { id: string; campaign: string; status: string }[];
            externalId: string;
            channel: string;
          }>(`/events/${batchIds[0]}`);
          expect(answer.status).toBe(200);
          expect(answer.body.payload).toMatchObject({
            objectId: '101',
            changes: { lifecyclestage: { value: 'customer' } },
          });
          expect(answer.body.channel).toBe('webhook');
          const welcome = answer.body.decisions.find((d) => d.campaignId === 'welcome-pack');
          expect(welcome).toMatchObject({ outcome: 'triggered', reason: null });
          expect(answer.body.triggers).toEqual([
            expect.objectContaining({ id: welcome?.triggerId, campaign: 'welcome-pack' }),
          ]);
          const moved = answer.body.decisions.find((d) => d.campaignId === 'moved');
          expect(moved).toMatchObject({ outcome: 'no_match', triggerId: null });
          expect(moved?.reason).toMatch(/^trigger\.property/);

          const france = await api.get<{ decisions: { campaignId: string; reason: string }[] }>(
            `/events/${batchIds[1]}`,
          );
          const reason = france.body.decisions.find((d) => d.campaignId === 'welcome-pack')?.reason;
          expect(reason).toMatch(/address\.country.*"FR"/);
        });

        it('answers 404 JSON for unknown ids', async () => {
          expect(await api.get('/events/evt_unknown')).toMatchObject({
            status: 404,
            body: { error: 'not_found' },
          });
          expect(await api.get('/triggers/trg_unknown')).toMatchObject({
            status: 404,
            body: { error: 'not_found', message: 'no trigger with id trg_unknown' },
          });
          expect((await api.post('/events/evt_unknown/replay')).status).toBe(404);
          expect((await api.post('/triggers/trg_unknown/replay')).status).toBe(404);
          expect((await api.post('/triggers/trg_unknown/cancel')).status).toBe(404);
          expect(await api.get('/nothing-here')).toMatchObject({ status: 404, body: { error: 'not_found' } });
        });
      });

      describe('GET /api/triggers', () => {
        it('lists and filters triggers, and shows one with its payload and delivery attempts', async () => {
          await receiver.waitFor((r) => r.length >= 1);
          const delivered = await eventually(async () => {
            const answer = await api.get<Page<{ id: string; status: string; campaign: string }>>(
              '/triggers?status=delivered&campaign=welcome-pack&workspace=acme',
            );
            return answer.body.data.length === 1 ? answer.body.data[0] : undefined;
          });
          expect((await api.get<Page<unknown>>('/triggers?status=dead')).body.data).toEqual([]);
          const detail = await api.get<{
            payload: { type: string; recipient: { firstName: string } };
            attempts: { attempt: number; statusCode: number; outcome: string }[];
            attemptCount: number;
            deliveredAt: string;
          }>(`/triggers/${delivered.id}`);
          expect(detail.body.payload).toMatchObject({
            type: 'campaign.trigger',
            recipient: { firstName: 'Erika' },
          });
          expect(detail.body.attempts).toEqual([
            expect.objectContaining({ attempt: 1, statusCode: 200, outcome: 'delivered' }),
          ]);
          expect(detail.body.attemptCount).toBe(1);
          expect(detail.body.deliveredAt).toMatch(/Z$/);
        });
      });

      describe('GET /api/stats', () => {
        it('counts events, triggers and outbox by status, and deliveries of the last 24 h', async () => {
          const answer = await api.get<{
            events: Record<string, number>;
            triggers: Record<string, number>;
            outbox: Record<string, number>;
            deliveries: {
              inbound: { total: number; byPlatform: Record<string, number> };
              attempts: { total: number };
            };
          }>('/stats');
          expect(answer.status).toBe(200);
          const rows = await connector.handle.db.selectFrom('events').select('status').execute();
          const count = (status: string) => rows.filter((r) => r.status === status).length;
          expect(answer.body.events).toMatchObject({
            triggered: count('triggered'),
            no_match: count('no_match'),
            skipped: count('skipped'),
            failed: 0,
            unrouted: 0,
          });
          expect(answer.body.events.triggered).toBeGreaterThanOrEqual(1);
          expect(answer.body.triggers.delivered).toBeGreaterThanOrEqual(1);
          expect(answer.body.outbox).toEqual({ pending: 0, done: 0, dead: 0 });
          expect(answer.body.deliveries.inbound.byPlatform.hubspot).toBeGreaterThanOrEqual(1);
          expect(answer.body.deliveries.attempts.total).toBeGreaterThanOrEqual(1);
        });
      });

      describe('request bodies', () => {
        it('answers 400 for malformed JSON and 413 above 1 MB', async () => {
          const malformed = await api.postRaw('/dry-run', '{"event":');
          expect(malformed).toMatchObject({ status: 400, body: { error: 'bad_request' } });
          const huge = await api.postRaw('/dry-run', JSON.stringify({ salesforce: 'x'.repeat(1_100_000) }));
          expect(huge).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
        });
      });
    },
  );
}
