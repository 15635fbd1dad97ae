import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CrmEvent } from '@hookpost/core';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { MalformedItem } from '../events/malformed.js';
import { signRequestV3 } from '../signature/sign.js';
import { createWebhookMiddleware, type WebhookMiddlewareOptions } from './webhook-middleware.js';

const secret = 'test-client-secret';
const publicUrl = 'https://hooks.example.com';
const body = JSON.stringify([
  {
    eventId: 1,
    subscriptionId: 25,
    portalId: 62515,
    occurredAt: 1_764_237_600_000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 123,
  },
]);
const sign = (path: string, payload = body, timestamp = Date.now()) =>
  signRequestV3({
    clientSecret: secret,
    method: 'POST',
    url: `${publicUrl}${path}`,
    body: payload,
    timestamp,
  });

const servers: Server[] = [];
afterEach(() =>
  Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))),
);

function nodeApp(overrides: Partial<WebhookMiddlewareOptions> = {}) {
  const log: string[] = [];
  const stored: CrmEvent[][] = [];
  const middleware = createWebhookMiddleware({
    clientSecrets: [secret],
    publicUrl,
    onEvents: async (events) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored.push(events);
      log.push('stored');
    },
    ...overrides,
  });
  const server = createServer((req, res) => {
    res.on('finish', () => log.push(`answered ${res.statusCode}`));
    void middleware(req, res);
  });
  servers.push(server);
  return { server, log, stored };
}

describe('createWebhookMiddleware over node:http', () => {
  it('answers 204 only after onEvents stored the events', async () => {
    const { server, log, stored } = nodeApp();
    const path = '/webhooks/hubspot?tenant=acme';
    await request(server)
      .post(path)
      .set(sign(path))
      .set('content-type', 'application/json')
      .send(body)
      .expect(204);
    expect(stored[0]).toHaveLength(1);
    expect(stored[0]![0]).toMatchObject({ kind: 'created', objectId: '123', accountId: '62515' });
    expect(log).toEqual(['stored', 'answered 204']);
  });

  it('passes the raw body and signature version to onEvents', async () => {
    let seen: { rawBody: Buffer; signatureVersion: string } | undefined;
    const { server } = nodeApp({
      onEvents: async (_events, context) => {
        seen = context;
      },
    });
    await request(server).post('/hook').set(sign('/hook')).send(body).expect(204);
    expect(seen?.rawBody.toString()).toBe(body);
    expect(seen?.signatureVersion).toBe('v3');
  });

  it('answers 401 with the reason for a bad or stale signature, without calling onEvents', async () => {
    const { server, stored } = nodeApp();
    const bad = await request(server).post('/hook').set(sign('/other')).send(body).expect(401);
    expect(bad.body).toEqual({ error: 'invalid_signature', reason: 'mismatch' });
    const stale = await request(server)
      .post('/hook')
      .set(sign('/hook', body, Date.now() - 301_000))
      .send(body)
      .expect(401);
    expect(stale.body).toEqual({ error: 'invalid_signature', reason: 'stale_timestamp' });
    const unsigned = await request(server).post('/hook').send(body).expect(401);
    expect(unsigned.body.reason).toBe('missing_signature');
    expect(JSON.stringify([bad.body, stale.body, unsigned.body])).not.toContain(secret);
    expect(stored).toHaveLength(0);
  });

  it('acknowledges a delivery with an unreadable item, handing that item to onEvents as malformed', async () => {
    const malformed: MalformedItem[][] = [];
    const { server, stored } = nodeApp({
      onEvents: async (events, context) => {
        stored.push(events);
        malformed.push(context.malformed);
      },
    });
    const good = {
      eventId: 2,
      subscriptionId: 25,
      portalId: 1,
      occurredAt: 1,
      subscriptionType: 'contact.creation',
      objectId: 2,
    };
    const payload = JSON.stringify([{ ...good, eventId: 1, portalId: 'x', objectId: 1 }, good]);
    await request(server).post('/hook').set(sign('/hook', payload)).send(payload).expect(204);
    expect(stored[0]?.map((e) => e.objectId)).toEqual(['2']);
    expect(malformed[0]).toEqual([
      expect.objectContaining({ error: '[0].portalId: expected a number', objectId: '1' }),
    ]);
  });

  it('answers 400 naming the problem for a signed delivery whose envelope is unreadable', async () => {
    const { server, stored } = nodeApp();
    const payload = JSON.stringify({ eventId: 1 });
    const response = await request(server)
      .post('/hook')
      .set(sign('/hook', payload))
      .send(payload)
      .expect(400);
    expect(response.body).toMatchObject({ error: 'malformed_payload' });
    expect(response.body.message).toContain('expected a JSON array of events');
    expect(stored).toHaveLength(0);
  });

  it('answers 413 from Content-Length, and when a chunked body passes the limit', async () => {
    const { server, stored } = nodeApp({ maxBodyBytes: 100 });
    const big = JSON.stringify([{ padding: 'x'.repeat(500) }]);
    const declared = await request(server).post('/hook').set(sign('/hook', big)).send(big).expect(413);
    expect(declared.body.error).toBe('payload_too_large');

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const chunks = Array.from({ length: 20 }, () => 'y'.repeat(50));
    const response = await fetch(`http://127.0.0.1:${port}/hook`, {
      method: 'POST',
      headers: sign('/hook', chunks.join('')),
      body: new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(stored).toHaveLength(0);
  });

  it('answers 503 when onEvents throws, without leaking the error', async () => {
    const errors: unknown[] = [];
    const { server } = nodeApp({
      onEvents: async () => {
        throw new Error('database password=hunter2 unreachable');
      },
      onError: (error) => errors.push(error),
    });
    const response = await request(server).post('/hook').set(sign('/hook')).send(body).expect(503);
    expect(response.body.error).toBe('unavailable');
    expect(response.text).not.toContain('hunter2');
    expect(errors).toHaveLength(1);
  });

  it('accepts legacy v1 only when allowed', async () => {
    const { createHash } = await import('node:crypto');
    const v1 = createHash('sha256')
      .update(secret + body)
      .digest('hex');
    const headers = { 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v1' };
    const strict = nodeApp();
    expect((await request(strict.server).post('/hook').set(headers).send(body).expect(401)).body.reason).toBe(
      'legacy_disabled',
    );
    const lenient = nodeApp({ allowLegacy: true });
    await request(lenient.server).post('/hook').set(headers).send(body).expect(204);
  });
});

describe('createWebhookMiddleware in Express 5', () => {
  it('verifies against publicUrl + originalUrl inside a router, and reuses a raw body read earlier', async () => {
    const stored: CrmEvent[][] = [];
    const middleware = createWebhookMiddleware({
      clientSecrets: ['old', secret],
      publicUrl: `${publicUrl}/`,
      onEvents: async (events) => void stored.push(events),
    });
    const app = express();
    const router = express.Router();
    router.post('/hubspot', middleware);
    app.use('/webhooks', router);
    app.post('/raw/hubspot', express.raw({ type: '*/*' }), middleware);

    const path = '/webhooks/hubspot?x=%20y';
    await request(app)
      .post(path)
      .set(sign(path))
      .set('content-type', 'application/json')
      .send(body)
      .expect(204);
    await request(app)
      .post('/raw/hubspot')
      .set(sign('/raw/hubspot'))
      .set('content-type', 'application/json')
      .send(body)
      .expect(204);
    expect(stored).toHaveLength(2);
  });

  it('fails clearly when a JSON body parser consumed the stream first', async () => {
    const app = express();
    app.use(express.json());
    app.post(
      '/hook',
      createWebhookMiddleware({ clientSecrets: [secret], publicUrl, onEvents: async () => {} }),
    );
    const response = await request(app)
      .post('/hook')
      .set(sign('/hook'))
      .set('content-type', 'application/json')
      .send(body)
      .expect(500);
    expect(response.body).toMatchObject({ error: 'body_unavailable' });
  });
});
