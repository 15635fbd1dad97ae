import { hashEmail } from '@hookpost/core';
import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../src/api/router.js';
import { createSessions } from '../src/api/session.js';
import { PRUNED_BODY, pruneOnce } from '../src/retention.js';
import { consoleRoutes } from '../src/server/console.js';
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

const GERMAN = { address: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'Germany' };
type Trigger = { id: string; status: string; campaign: string };
type EventView = { id: string; status: string; reason: string | null; triggers: Trigger[] };

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`console API (${dialect.name})`, () => {
    let hubspot: FakeHubSpot;
    let receiver: Receiver;
    let connector: Awaited<ReturnType<typeof startTestConnector>>;
    let api: AdminClient;

    async function send(objectId: number, property: string, value: string): Promise<EventView> {
      const batch = hubspotBatch([propertyChange(objectId, property, value)]);
      expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
      return eventually(async () => {
        const view = (await api.get<EventView>(`/events/${batch.ids[0]}`)).body;
        return view.status !== 'pending' ? view : undefined;
      });
    }
    const triggerIn = (status: string, id: string) =>
      eventually(async () => {
        const view = (await api.get<Trigger>(`/triggers/${id}`)).body;
        return view.status === status ? view : undefined;
      });

    beforeAll(async () => {
      hubspot = await startFakeHubSpot();
      for (let id = 501; id <= 520; id++)
        hubspot.addRecord('contact', String(id), {
          firstname: `P${id}`,
          lastname: 'Muster',
          email: `p${id}@example.com`,
          ...GERMAN,
        });
      receiver = await startReceiver(TEST_SECRET);
      const sessions = createSessions(ADMIN_TOKEN);
      connector = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), {
        databaseUrl: await dialect.url(),
        api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN, sessions }),
        console: () => consoleRoutes({ sessions, root: null }),
      });
      api = adminClient(connector.baseUrl);
    });

    afterAll(async () => {
      await connector?.stop();
      await receiver?.close();
      await hubspot?.close();
    });

    it('redirects / to /console/ and signs in only with the admin token; writes need the CSRF header and same origin', async () => {
      const root = await fetch(`${connector.baseUrl}/`, { redirect: 'manual' });
      expect([root.status, root.headers.get('location')]).toEqual([302, '/console/']);
      const wrong = await fetch(`${connector.baseUrl}/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'not-the-token-at-all' }),
      });
      expect(wrong.status).toBe(401);
      expect(connector.logs.join('')).toContain('wrong admin token');
      const ok = await fetch(`${connector.baseUrl}/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: ADMIN_TOKEN }),
      });
      expect(ok.status).toBe(204);
      const cookies = ok.headers.getSetCookie();
      expect(cookies.find((c) => c.startsWith('hookpost_session='))).toMatch(/HttpOnly/);
      expect(cookies.every((c) => /SameSite=Strict/.test(c))).toBe(true);
      const jar = cookies.map((c) => c.split(';')[0]).join('; ');
      const csrf = decodeURIComponent(
        cookies
          .find((c) => c.startsWith('hookpost_csrf='))
          ?.split(';')[0]
          ?.split('=')[1] ?? '',
      );
      const call = (method: string, headers: Record<string, string> = {}) =>
        fetch(`${connector.baseUrl}/api/triggers/replay-dead`, {
          method,
          headers: { cookie: jar, 'content-type': 'application/json', ...headers },
          body: '{}',
        });
      expect((await fetch(`${connector.baseUrl}/api/stats`, { headers: { cookie: jar } })).status).toBe(200);
      expect((await call('POST')).status).toBe(401);
      expect((await call('POST', { 'x-hookpost-csrf': 'forged' })).status).toBe(401);
      expect((await call('POST', { 'x-hookpost-csrf': csrf, origin: 'https://evil.example' })).status).toBe(
        401,
      );
      expect((await call('POST', { 'x-hookpost-csrf': csrf, origin: connector.baseUrl })).status).toBe(202);
      // A tampered session is refused, and the 401 log line says why.
      const tampered = jar.replace(/hookpost_session=[^.]+/, 'hookpost_session=9999999999999');
      expect((await fetch(`${connector.baseUrl}/api/stats`, { headers: { cookie: tampered } })).status).toBe(
        401,
      );
      expect(connector.logs.join('')).toContain('not signed with the current admin token');
    });

    it('stores a suppression as hashes only, finds it by e-mail, skips that person, and keeps erasure records', async () => {
      const added = await api.post<{ data: { id: string; kind: string; hash: string }[] }>('/suppressions', {
        email: 'P501@Example.com ',
        reason: 'phoned in',
      });
      expect(added.status).toBe(201);
      expect(added.body.data).toEqual([
        expect.objectContaining({ kind: 'email', hash: hashEmail('p501@example.com') }),
      ]);
      expect(JSON.stringify(added.body)).not.toContain('p501@');
      const found = await api.get<{ data: { id: string }[] }>('/suppressions?q=p501%40example.com');
      expect(found.body.data.map((s) => s.id)).toEqual([added.body.data[0]?.id]);
      const event = await send(501, 'lifecyclestage', 'customer');
      expect([event.status, event.reason]).toEqual(['skipped', 'suppressed']);
      expect((await api.post('/suppressions', { email: 'not an address' })).status).toBe(400);

      const id = added.body.data[0]?.id as string;
      const removed = await fetch(`${connector.baseUrl}/api/suppressions/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(removed.status).toBe(204);
      expect((await api.get<{ data: unknown[] }>('/suppressions?q=p501%40example.com')).body.data).toEqual(
        [],
      );

      await connector.handle.db
        .insertInto('suppressions')
        .values({
          id: 'sup_erased',
          workspace_id: 'acme',
          kind: 'crm',
          value: 'x'.repeat(64),
          reason: 'privacy_deletion',
          created_at: Date.now(),
        })
        .execute();
      const kept = await fetch(`${connector.baseUrl}/api/suppressions/sup_erased`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(kept.status).toBe(409);
    });

    it('imports a CSV all or nothing', async () => {
      const post = (csv: string) =>
        fetch(`${connector.baseUrl}/api/suppressions/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' },
          body: csv,
        });
      const bad = await post('email,objectId,reason\na@example.com,,x\nnot-an-email,,y\n');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { issues: { path: string }[] }).issues).toEqual([
        expect.objectContaining({ path: 'row 3' }),
      ]);
      expect((await api.get<{ data: unknown[] }>('/suppressions?q=a%40example.com')).body.data).toEqual([]);
      const good = await post(
        'email,platform,objectType,objectId,reason\na@example.com,,,,list\n,hubspot,contact,502,list\n',
      );
      expect(good.status).toBe(201);
      expect(await good.json()).toEqual({ rows: 2, suppressions: 2 });
      expect((await send(502, 'lifecyclestage', 'customer')).reason).toBe('suppressed');
    });

    it('filters events by recipient and time range, and shows one person across events and pieces', async () => {
      const before = new Date(Date.now() - 1).toISOString();
      const event = await send(503, 'lifecyclestage', 'customer');
      const byId = await api.get<{ data: { id: string }[] }>(
        `/events?recipient=503&from=${encodeURIComponent(before)}`,
      );
      expect(byId.body.data.map((e) => e.id)).toEqual([event.id]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect(
        (await api.get<{ data: unknown[] }>(`/events?recipient=503&from=${encodeURIComponent(future)}`)).body
          .data,
      ).toEqual([]);
      // A HubSpot webhook carries ids only: the e-mail finds the event through its piece's hash.
      const byEmail = await api.get<{ data: { id: string }[] }>('/events?recipient=p503%40example.com');
      expect(byEmail.body.data.map((e) => e.id)).toEqual([event.id]);
      const person = await api.get<{
        match: string;
        events: { id: string }[];
        triggers: { id: string }[];
        decisions: unknown[];
      }>('/people?q=503');
      expect(person.body.match).toBe('crm_id');
      expect(person.body.events.map((e) => e.id)).toEqual([event.id]);
      expect(person.body.triggers.map((t) => t.id)).toEqual(event.triggers.map((t) => t.id));
      expect(person.body.decisions.length).toBeGreaterThan(0);
      expect((await api.get(`/events?from=yesterday`)).status).toBe(400);
    });

    it('resends a delivered piece under the same webhook-id', async () => {
      const event = await send(504, 'zip', '51149');
      const piece = event.triggers[0] as Trigger;
      await triggerIn('delivered', piece.id);
      const answer = await api.post(`/triggers/${piece.id}/resend`);
      expect(answer.status).toBe(202);
      await receiver.waitFor(
        (r) => r.filter((x) => x.webhookId === piece.id && x.status === 200).length === 2,
      );
      await triggerIn('delivered', piece.id);
      expect((await api.post(`/triggers/${piece.id}/resend`)).status).toBe(202);
      await triggerIn('delivered', piece.id);
      const pending = await send(505, 'city', 'Bonn');
      expect((await api.post(`/triggers/${pending.triggers[0]?.id}/resend`)).status).toBe(409);
    });

    it('bulk-replays only the dead pieces of the campaign asked for', async () => {
      receiver.always(410);
      const zip = await send(506, 'zip', '51150');
      const welcome = await send(507, 'lifecyclestage', 'customer');
      const zipPiece = (zip.triggers[0] as Trigger).id;
      const welcomePiece = (welcome.triggers[0] as Trigger).id;
      await triggerIn('dead', zipPiece);
      await triggerIn('dead', welcomePiece);
      receiver.always(null);
      const answer = await api.post<{ ids: string[] }>('/triggers/replay-dead', {
        campaign: 'address-update',
      });
      expect(answer.body.ids).toContain(zipPiece);
      expect(answer.body.ids).not.toContain(welcomePiece);
      await triggerIn('delivered', zipPiece);
      expect((await api.get<Trigger>(`/triggers/${welcomePiece}`)).body.status).toBe('dead');
      const stats = await api.get<{ triggers: { dead: number }; deliveries: { dead: number } }>('/stats');
      expect(stats.body.deliveries.dead).toBe(stats.body.triggers.dead);
      const funnel = await api.get<{ data: { id: string; funnel: { pieces: Record<string, number> } }[] }>(
        '/campaigns',
      );
      expect(funnel.body.data.find((c) => c.id === 'welcome-pack')?.funnel.pieces.dead).toBe(
        stats.body.triggers.dead,
      );
    });

    it('counts an operator cancel in hookpost_triggers_total, with its campaign', async () => {
      const event = await send(508, 'city', 'Bonn');
      const id = (event.triggers[0] as Trigger).id;
      expect((await api.post(`/triggers/${id}/cancel`)).status).toBe(200);
      const metrics = await (await fetch(`${connector.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /hookpost_triggers_total\{status="cancelled",workspace="acme",campaign="moved",destination="mailer"\} 1/,
      );
    });

    it('streams new events and their decisions over Server-Sent Events', async () => {
      const controller = new AbortController();
      const response = await fetch(`${connector.baseUrl}/api/events/stream`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      try {
        await new Promise((r) => setTimeout(r, 100));
        const batch = hubspotBatch([propertyChange(509, 'lifecyclestage', 'customer')]);
        expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
        const id = batch.ids[0] as string;
        // Sent as `event` on arrival and as `decided` once decided (or once, already decided, as `event`).
        const decided = new RegExp(`data: [^\\n]*"id":"${id}"[^\\n]*"status":"triggered"`);
        while (!decided.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        expect(text).toMatch(new RegExp(`event: event\\nid: [^\\n]+\\ndata: [^\\n]*"id":"${id}"`));
      } finally {
        controller.abort();
        await reader.cancel().catch(() => undefined);
      }
    });

    it('ends open streams when the connector stops, so a stop is not held up by a console', async () => {
      const second = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), {
        worker: false,
        api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
      });
      const response = await fetch(`${second.baseUrl}/api/events/stream`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const body = response.text();
      await second.stop();
      // Ended by the stream itself: had the runtime cut the connection after its grace
      // period, reading the body would fail with "terminated" instead.
      await expect(body).resolves.toMatch(/^retry: 2000/);
    });

    it('counts per time bucket agree with the listing', async () => {
      const series = await api.get<{ buckets: { events: Record<string, number> }[] }>(
        '/stats/series?range=hour',
      );
      expect(series.body.buckets).toHaveLength(60);
      const total = series.body.buckets.reduce(
        (n, b) => n + Object.values(b.events).reduce((a, c) => a + c, 0),
        0,
      );
      const stats = await api.get<{ events: Record<string, number> }>('/stats');
      expect(total).toBe(Object.values(stats.body.events).reduce((a, c) => a + c, 0));
    });

    it('prunes raw delivery bodies past their retention and never suppressions', async () => {
      const { db } = connector.handle;
      const suppressions = await db.selectFrom('suppressions').select('id').execute();
      const result = await pruneOnce(db, { rawDeliveries: 'PT0S' }, Date.now() + 1000);
      expect(result.rawDeliveries).toBeGreaterThan(0);
      const bodies = await db.selectFrom('raw_deliveries').select('body').execute();
      expect(new Set(bodies.map((b) => b.body))).toEqual(new Set([PRUNED_BODY]));
      expect(await db.selectFrom('suppressions').select('id').execute()).toEqual(suppressions);
      expect((await pruneOnce(db, { rawDeliveries: 'PT0S' }, Date.now() + 1000)).rawDeliveries).toBe(0);
    });
  });
}
