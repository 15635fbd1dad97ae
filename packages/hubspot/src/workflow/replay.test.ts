import { createServer } from 'node:http';
import { Signature } from '@hubspot/api-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createWorkflowActionMiddleware } from './middleware.js';
import { createMemoryReplayGuard } from './replay.js';

const secret = 'workflow-secret';
const publicUrl = 'https://hooks.example.com';
const path = '/webhooks/hubspot/workflow-action';
const execution = (callbackId: string, inputFields: unknown = {}) =>
  JSON.stringify({
    callbackId,
    origin: { portalId: 62515, actionDefinitionId: 7 },
    object: { objectId: 1, objectType: 'CONTACT' },
    inputFields,
  });
const v2 = (body: string) => ({
  'x-hubspot-signature': Signature.getSignature('POST', 'v2', {
    signature: '',
    clientSecret: secret,
    url: `${publicUrl}${path}`,
    requestBody: body,
  }),
  'x-hubspot-signature-version': 'v2',
});

function server(failFirst = false) {
  const stored: string[] = [];
  let calls = 0;
  const middleware = createWorkflowActionMiddleware({
    clientSecrets: [secret],
    publicUrl,
    replayGuard: createMemoryReplayGuard(),
    onExecution: async (parsed) => {
      calls++;
      if (failFirst && calls === 1) throw new Error('database down');
      stored.push(parsed.callbackId);
    },
  });
  return { server: createServer((req, res) => void middleware(req, res)), stored };
}

describe('workflow actions — legacy replay window', () => {
  it('refuses a repeated v2 signature (a captured request replayed) and stores it once', async () => {
    const { server: app, stored } = server();
    const body = execution('cb-1');
    await request(app).post(path).set(v2(body)).send(body).expect(200);
    const replay = await request(app).post(path).set(v2(body)).send(body).expect(401);
    expect(replay.body).toEqual({ error: 'invalid_signature', reason: 'replayed' });
    const backdated = await request(app)
      .post(path)
      .set({ ...v2(body), 'x-hubspot-request-timestamp': '0' })
      .send(body)
      .expect(401);
    expect(backdated.body.reason).toBe('stale_timestamp');
    expect(stored).toEqual(['cb-1']);
  });

  it('accepts HubSpot’s retry after a delivery that could not be stored (the claim is released)', async () => {
    const { server: app, stored } = server(true);
    const body = execution('cb-2');
    await request(app).post(path).set(v2(body)).send(body).expect(503);
    await request(app).post(path).set(v2(body)).send(body).expect(200);
    expect(stored).toEqual(['cb-2']);
  });

  it('answers 400 for inputFields nested 6,000 deep, before parsing them', async () => {
    const { server: app, stored } = server();
    const deep = `{"callbackId":"cb-3","origin":{"portalId":1},"object":{"objectId":1,"objectType":"CONTACT"},"inputFields":{"a":${'['.repeat(6_000)}${']'.repeat(6_000)}}}`;
    const response = await request(app).post(path).set(v2(deep)).send(deep).expect(400);
    expect(response.body.message).toContain('nested deeper than 64 levels');
    expect(stored).toEqual([]);
  });
});
