import { createHash } from 'node:crypto';
import type { CrmEvent } from '@hookpost/core';
import { signV3 } from '@hookpost/hubspot/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../src/api/router.js';
import {
  ADMIN_TOKEN,
  adminClient,
  apiTestConfig,
  hubspotBatch,
  PUBLIC_URL,
  postHubSpot,
} from './support/api-client.js';
import { HUBSPOT_SECRET, startTestConnector } from './support/connector.js';
import { dialectCases } from './support/databases.js';

const WORKFLOW_PATH = '/webhooks/hubspot/workflow-action';
const v2Headers = (body: string): Record<string, string> => ({
  'x-hubspot-signature': createHash('sha256')
    .update(`${HUBSPOT_SECRET}POST${PUBLIC_URL}${WORKFLOW_PATH}${body}`)
    .digest('hex'),
  'x-hubspot-signature-version': 'v2',
  'content-type': 'application/json',
});
const execution = (callbackId: string, inputFields: string) =>
  `{"callbackId":"${callbackId}","origin":{"portalId":62515},"object":{"objectId":7,"objectType":"CONTACT"},"inputFields":${inputFields}}`;

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `hostile input is a 4xx or stored, never a 5xx (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let connector: Awaited<ReturnType<typeof startTestConnector>>;
      const stored = (id: string) =>
        connector.handle.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      const postWorkflow = (body: string, headers = v2Headers(body)) =>
        fetch(`${connector.baseUrl}${WORKFLOW_PATH}`, { method: 'POST', headers, body });

      beforeAll(async () => {
        connector = await startTestConnector(apiTestConfig('http://127.0.0.1:9', 'http://127.0.0.1:9'), {
          databaseUrl: await dialect.url(),
          worker: false,
          api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
        });
      });
      afterAll(async () => {
        await connector?.stop();
      });

      it('stores a HubSpot value carrying NUL bytes with the NULs removed', async () => {
        const { body, ids } = hubspotBatch([
          { subscriptionType: 'object.propertyChange', objectTypeId: '0-\u00001', objectId: 11 },
          { objectId: 12, propertyName: 'city', propertyValue: 'K\u0000öln' },
        ]);
        expect(await postHubSpot(connector.baseUrl, body)).toBe(204);
        expect((await stored(ids[0] ?? ''))?.object_type).toBe('0-1');
        const row = await stored(ids[1] ?? '');
        expect(JSON.parse(row?.payload ?? '{}').changes).toEqual({ city: { value: 'Köln' } });
      });

      it('keeps subscription types and object type ids named like Object.prototype members as data', async () => {
        const { body, ids } = hubspotBatch([
          { subscriptionType: 'contact.toString', objectId: 21 },
          { subscriptionType: 'object.creation', objectTypeId: 'constructor', objectId: 22 },
          { subscriptionType: '__proto__.creation', objectId: 23 },
        ]);
        expect(await postHubSpot(connector.baseUrl, body)).toBe(204);
        const rows = await Promise.all(ids.map(stored));
        expect(rows.map((r) => [r?.kind, r?.object_type])).toEqual([
          ['unknown', 'contact'],
          ['created', 'constructor'],
          ['created', '__proto__'],
        ]);
      });

      it('stores an item whose occurredAt is past the last valid Date as failed/malformed (the batch is acknowledged)', async () => {
        for (const [i, occurredAt] of [8.64e15 + 1, 2 ** 53 - 1].entries()) {
          const body = JSON.stringify([
            {
              eventId: 1,
              subscriptionId: 1,
              portalId: 62515,
              occurredAt,
              subscriptionType: 'contact.creation',
              objectId: 31 + i,
            },
          ]);
          expect(await postHubSpot(connector.baseUrl, body)).toBe(204);
        }
        const failed = await connector.handle.db
          .selectFrom('events')
          .select(['status', 'reason', 'payload'])
          .where('status', '=', 'failed')
          .where('object_id', 'in', ['31', '32'])
          .execute();
        expect(failed).toHaveLength(2);
        for (const row of failed) {
          expect(row.reason).toBe('malformed');
          expect(row.payload).toContain('occurredAt');
        }
      });

      it('answers 400 for workflow-action inputFields nested 6,000 deep', async () => {
        const deep = `{"a":${'['.repeat(6_000)}${']'.repeat(6_000)}}`;
        const response = await postWorkflow(execution('cb-deep', deep));
        expect(response.status).toBe(400);
        expect(((await response.json()) as { message: string }).message).toContain(
          'nested deeper than 64 levels',
        );
      });

      it('refuses a replayed or backdated legacy-signed workflow action and stores it once', async () => {
        const body = execution(`cb-replay-${dialect.name}`, '{"template":"welcome"}');
        expect((await postWorkflow(body)).status).toBe(200);
        const replay = await postWorkflow(body);
        expect(replay.status).toBe(401);
        expect(await replay.json()).toEqual({ error: 'invalid_signature', reason: 'replayed' });
        const backdated = await postWorkflow(body, {
          ...v2Headers(body),
          'x-hubspot-request-timestamp': '0',
        });
        expect(((await backdated.json()) as { reason: string }).reason).toBe('stale_timestamp');
        const huge = await postWorkflow(body, {
          ...v2Headers(body),
          'x-hubspot-request-timestamp': '9007199254740993',
        });
        expect(huge.status).toBe(401);
        const deliveries = await connector.handle.db
          .selectFrom('raw_deliveries')
          .select('id')
          .where('body', '=', body)
          .execute();
        expect(deliveries).toHaveLength(1);
      });

      it('answers 400 for %00 and NUL escapes on the admin API', async () => {
        const api = adminClient(connector.baseUrl);
        for (const path of [
          '/events/%00',
          '/events/evt_%00x',
          '/events?status=%00',
          '/triggers/%00/cancel',
        ]) {
          const answer = path.endsWith('cancel') ? await api.post(path) : await api.get(path);
          expect(answer.status, path).toBe(400);
          expect(answer.body.error).toBe('bad_request');
        }
        const nul = await api.postRaw('/dry-run', '{"hubspot":"\\u0000"}');
        expect(nul.status).toBe(400);
        const deep = await api.postRaw('/dry-run', `{"hubspot":${'['.repeat(5_000)}${']'.repeat(5_000)}}`);
        expect(deep.status).toBe(400);
      });

      it('commits the valid requests of a group commit when one request in it fails', async () => {
        const event = (id: string, occurredAt: string): CrmEvent => ({
          id,
          platform: 'hubspot',
          accountId: '62515',
          externalId: id,
          objectType: 'contact',
          objectId: '1',
          kind: 'updated',
          occurredAt,
        });
        const delivery = (id: string, occurredAt: string) =>
          connector.inbox.ingest({
            platform: 'hubspot',
            channel: 'webhook',
            accountId: '62515',
            signatureVersion: 'v3',
            body: '[]',
            events: [event(id, occurredAt)],
          });
        // Same turn of the event loop: one transaction, until the poisoned one (an occurredAt
        // that is not a time: NOT NULL / bigint refuse it) makes each retry alone.
        const results = await Promise.allSettled([
          delivery(`evt_group_a_${dialect.name}`, new Date().toISOString()),
          delivery(`evt_group_b_${dialect.name}`, 'not a time'),
          delivery(`evt_group_c_${dialect.name}`, new Date().toISOString()),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await stored(`evt_group_a_${dialect.name}`)).toBeDefined();
        expect(await stored(`evt_group_b_${dialect.name}`)).toBeUndefined();
        expect(await stored(`evt_group_c_${dialect.name}`)).toBeDefined();
      });

      it('v3-signed deliveries still verify against the configured public URL', async () => {
        const { body } = hubspotBatch([{ objectId: 41 }]);
        const headers = signV3({
          secret: HUBSPOT_SECRET,
          method: 'POST',
          url: `${PUBLIC_URL}/webhooks/hubspot`,
          body,
        });
        const response = await fetch(`${connector.baseUrl}/webhooks/hubspot`, {
          method: 'POST',
          headers,
          body,
        });
        expect(response.status).toBe(204);
      });
    },
  );
}
