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

interface TriggerView {
  id: string;
  status: string;
  reason: string | null;
  attemptCount: number;
  nextAttemptAt: string;
  attempts: { attempt: number; statusCode: number | null; outcome: string }[];
}
interface EventView {
  id: string;
  status: string;
  reason: string | null;
  decisions: { campaignId: string; outcome: string; reason: string | null; triggerId: string | null }[];
  triggers: { id: string; status: string }[];
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `admin API actions (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let hubspot: FakeHubSpot;
      let receiver: Receiver;
      let connector: Awaited<ReturnType<typeof startTestConnector>>;
      let api: AdminClient;

      const eventView = (id: string) => api.get<EventView>(`/events/${id}`).then((a) => a.body);
      const triggerView = (id: string) => api.get<TriggerView>(`/triggers/${id}`).then((a) => a.body);
      const triggerIn = (status: string, id: string) =>
        eventually(async () => {
          const view = await triggerView(id);
          return view.status === status ? view : undefined;
        });

      /** Sends one property change and returns the decided event with its trigger. */
      async function send(objectId: number, property: string, value: string) {
        const batch = hubspotBatch([propertyChange(objectId, property, value)]);
        expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
        return eventually(async () => {
          const view = await eventView(batch.ids[0] as string);
          return view.status !== 'pending' ? view : undefined;
        });
      }

      beforeAll(async () => {
        hubspot = await startFakeHubSpot();
        const german = { address: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'Germany' };
        for (const id of ['201', '202', '203', '204', '205'])
          hubspot.addRecord('contact', id, { firstname: `P${id}`, lastname: 'Muster', ...german });
        receiver = await startReceiver(TEST_SECRET);
        connector = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), {
          databaseUrl: await dialect.url(),
          api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
        });
        api = adminClient(connector.baseUrl);
      });

      afterAll(async () => {
        await connector?.stop();
        await receiver?.close();
        await hubspot?.close();
      });

      describe('POST /api/triggers/:id/replay', () => {
        it('sends a dead trigger again, under the same webhook-id, until it is delivered', async () => {
          receiver.respondWith(400);
          const event = await send(201, 'zip', '51147');
          const triggerId = event.decisions.find((d) => d.campaignId === 'address-update')
            ?.triggerId as string;
          const dead = await triggerIn('dead', triggerId);
          expect(dead.reason).toBe('HTTP 400');

          const replay = await api.post(`/triggers/${triggerId}/replay`);
          expect(replay).toMatchObject({
            status: 202,
            body: { id: triggerId, status: 'pending', previousStatus: 'dead' },
          });
          const delivered = await triggerIn('delivered', triggerId);
          expect(delivered.attemptCount).toBe(2);
          expect(delivered.attempts.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
            [1, 400, 'dead'],
            [2, 200, 'delivered'],
          ]);
          const sent = receiver.received.filter((r) => r.webhookId === triggerId);
          expect(sent.map((r) => r.status)).toEqual([400, 200]);
          expect(sent.every((r) => r.verified)).toBe(true);
        });

        it('answers 409 with the reason for a trigger that is not dead or cancelled', async () => {
          const [delivered] = (
            await api.get<{ data: { id: string }[] }>('/triggers?status=delivered&limit=1')
          ).body.data;
          const answer = await api.post(`/triggers/${delivered?.id}/replay`);
          expect(answer).toMatchObject({ status: 409, body: { error: 'conflict' } });
          expect(answer.body.message).toMatch(
            /is delivered; only dead or cancelled triggers can be replayed/,
          );
        });
      });

      describe('POST /api/triggers/:id/cancel', () => {
        it('cancels a pending (delayed) trigger so it is never sent, and can replay it after', async () => {
          const event = await send(202, 'city', 'Bonn');
          const triggerId = event.decisions.find((d) => d.campaignId === 'moved')?.triggerId as string;
          const pending = await triggerView(triggerId);
          expect(pending.status).toBe('pending');
          expect(Date.parse(pending.nextAttemptAt)).toBeGreaterThan(Date.now() + 86_400_000);

          const cancel = await api.post(`/triggers/${triggerId}/cancel`);
          expect(cancel).toMatchObject({
            status: 200,
            body: { status: 'cancelled', reason: 'cancelled by operator' },
          });
          expect(await triggerView(triggerId)).toMatchObject({
            status: 'cancelled',
            reason: 'cancelled by operator',
          });
          const again = await api.post(`/triggers/${triggerId}/cancel`);
          expect(again).toMatchObject({ status: 409, body: { error: 'conflict' } });
          expect(again.body.message).toMatch(/is cancelled; only pending triggers can be cancelled/);

          // Replaying a cancelled trigger sends it now (the replay resets next_attempt_at).
          expect((await api.post(`/triggers/${triggerId}/replay`)).status).toBe(202);
          await triggerIn('delivered', triggerId);
          expect(receiver.received.filter((r) => r.webhookId === triggerId && r.status === 200)).toHaveLength(
            1,
          );
        });
      });

      describe('cancelling a trigger that carries a HubSpot workflow callback', () => {
        it('completes the callback with FAIL_CONTINUE so the workflow does not wait forever', async () => {
          const event = await send(203, 'city', 'Leipzig');
          const triggerId = event.decisions.find((d) => d.campaignId === 'moved')?.triggerId as string;
          // As if the trigger came from the "Send direct mail" workflow action.
          await connector.handle.db
            .updateTable('triggers')
            .set({ callback_id: 'cb-123' })
            .where('id', '=', triggerId)
            .execute();
          expect((await api.post(`/triggers/${triggerId}/cancel`)).status).toBe(200);
          const outbox = await connector.handle.db
            .selectFrom('outbox')
            .selectAll()
            .where('kind', '=', 'workflow_callback')
            .execute();
          expect(outbox.map((o) => JSON.parse(o.payload))).toEqual([
            {
              type: 'workflow_callback',
              platform: 'hubspot',
              callbackId: 'cb-123',
              state: 'FAIL_CONTINUE',
              reason: 'cancelled by operator',
            },
          ]);
        });
      });

      describe('POST /api/triggers/replay-dead', () => {
        it('replays every dead trigger of a workspace and reports how many', async () => {
          receiver.respondWith(400, 400);
          const a = await send(203, 'zip', '50667');
          const b = await send(204, 'zip', '50668');
          const ids = [a, b].map(
            (e) => e.decisions.find((d) => d.campaignId === 'address-update')?.triggerId as string,
          );
          for (const id of ids) await triggerIn('dead', id);

          expect(await api.post('/triggers/replay-dead?workspace=other')).toMatchObject({
            status: 202,
            body: { count: 0 },
          });
          const answer = await api.post<{ count: number; ids: string[] }>(
            '/triggers/replay-dead?workspace=acme',
          );
          expect(answer.status).toBe(202);
          expect(answer.body.count).toBe(2);
          expect([...answer.body.ids].sort()).toEqual([...ids].sort());
          for (const id of ids) await triggerIn('delivered', id);
          expect((await api.post('/triggers/replay-dead?bogus=1')).status).toBe(400);
        });
      });

      describe('POST /api/events/:id/replay', () => {
        it('decides the event again in a new run, keeping the first, without a second mail', async () => {
          const first = await send(205, 'lifecyclestage', 'customer');
          expect(first.status).toBe('triggered');
          const triggerId = first.decisions.find((d) => d.campaignId === 'welcome-pack')?.triggerId as string;
          await triggerIn('delivered', triggerId);

          const answer = await api.post(`/events/${first.id}/replay`);
          expect(answer).toMatchObject({
            status: 202,
            body: { id: first.id, status: 'pending', workspace: 'acme' },
          });
          const again = await eventually(async () => {
            const view = await eventView(first.id);
            return view.status !== 'pending' ? view : undefined;
          });
          // The replay's run names the event's own trigger; it is no new reason to skip.
          expect(again).toMatchObject({ status: 'triggered', reason: 'welcome-pack' });
          const welcome = again.decisions.filter((d) => d.campaignId === 'welcome-pack');
          expect(welcome).toEqual([
            expect.objectContaining({ outcome: 'triggered', reason: 'replayed', triggerId }),
          ]);
          const rows = await connector.handle.db
            .selectFrom('triggers')
            .select('id')
            .where('campaign_id', '=', 'welcome-pack')
            .execute();
          expect(rows).toHaveLength(1);
          await new Promise((r) => setTimeout(r, 300));
          expect(receiver.received.filter((r) => r.webhookId === triggerId)).toHaveLength(1);
        });

        it('answers 409 for an unrouted event until a workspace for its account exists', async () => {
          const batch = hubspotBatch([propertyChange(201, 'zip', '1')], 99999);
          expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
          const id = batch.ids[0] as string;
          expect((await eventView(id)).status).toBe('unrouted');
          const answer = await api.post(`/events/${id}/replay`);
          expect(answer).toMatchObject({ status: 409, body: { error: 'conflict' } });
          expect(answer.body.message).toMatch(/no workspace for hubspot account 99999/);
        });
      });
    },
  );
}
