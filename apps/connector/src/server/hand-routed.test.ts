import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { handRouted } from './hand-routed.js';
import { bodiesInFlight, bodyGate } from './limits.js';
import { requestContext, requestTracker } from './request-id.js';
import { type CountedRoute, inboundRouter } from './routes/inbound.js';

const TOKEN_ROUTE = '/webhooks/salesforce/:token';
const PLAIN_ROUTE = '/webhooks/hubspot';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request with its path sent verbatim (no URL normalisation, unlike fetch). */
function send(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'POST', headers: init.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body ?? 'x');
  });
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Routes answering who served them (`via`) and the parameters they saw. */
function routes(via: string): CountedRoute[] {
  return [TOKEN_ROUTE, PLAIN_ROUTE].map((path) => ({
    method: 'POST' as const,
    path,
    handler: async (req, res) => {
      for await (const _chunk of req);
      const params = (req as IncomingMessage & { params?: Record<string, string> }).params ?? {};
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ via, path, params }));
    },
  }));
}

/** The Express app as the connector builds it, with `routes` as its inbound router. */
function expressApp(
  track: ReturnType<typeof requestTracker>,
  admit: ReturnType<typeof bodyGate>,
  served: CountedRoute[],
) {
  const app = express();
  app.use(requestContext(track));
  app.use(bodiesInFlight(admit));
  app.use(inboundRouter(served));
  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: `no route for ${req.method} ${req.path}` });
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error instanceof URIError ? 400 : 500).json({ error: 'failed' });
  });
  return app;
}

const logs: string[] = [];
const logger = createLogger({
  level: 'debug',
  pretty: false,
  destination: new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  }),
});
const track = requestTracker(logger, { secretPathPrefixes: ['/webhooks/salesforce'] });
const servers: Server[] = [];
let handPort = 0;
let expressPort = 0;

beforeAll(async () => {
  const admit = bodyGate(8);
  // Hand-routed in front of the Express app (whose own router has the same routes, as in the connector).
  const hand = createServer(
    handRouted(routes('hand'), expressApp(track, admit, routes('express')), { track, admit }),
  );
  const plain = createServer(expressApp(track, bodyGate(8), routes('express')));
  servers.push(hand, plain);
  handPort = await listen(hand);
  expressPort = await listen(plain);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const segment = fc.oneof(
  fc.constantFrom(
    'webhooks',
    'Webhooks',
    'salesforce',
    'SALESFORCE',
    'hubspot',
    '%73alesforce',
    '',
    'tok',
    'a%2Fb',
    '%E0%A4%A',
    '%41bc',
    'x.y-z_1',
  ),
  fc.stringMatching(/^[A-Za-z0-9._~%-]{1,12}$/),
);
const path = fc
  .tuple(fc.array(segment, { minLength: 0, maxLength: 4 }), fc.constantFrom('', '/', '?x=1', '?'))
  .map(([segments, tail]) => `/${segments.join('/')}${tail}`);
// Spellings near the routes, each checked (random paths rarely hit them).
const NEAR_ROUTES = [
  '/webhooks/hubspot',
  '/webhooks/hubspot/',
  '/webhooks/HubSpot',
  '/Webhooks/hubspot',
  '/webhooks/hubspot?portal=1',
  '/webhooks/hubspot/extra',
  '/webhooks/salesforce/abc',
  '/webhooks/Salesforce/abc',
  '/webhooks/salesforce/abc/',
  '/webhooks/salesforce/abc?x=1',
  '/webhooks/salesforce/a%20b',
  '/webhooks/salesforce/%E0%A4%A',
  '/webhooks/salesforce/',
  '/webhooks/salesforce',
  '/webhooks/salesforce/abc/extra',
  '/webhooks//salesforce/abc',
  '//webhooks/salesforce/abc',
  '/webhooks%2Fsalesforce%2Fabc',
  '/webhooks/%73alesforce/abc',
];

describe('hand-routed CRM ingest POSTs', () => {
  /** The answer with hand routing is the answer of Express alone, except for who served it. */
  async function sameAsExpress(target: string, method: string): Promise<void> {
    const viaHand = await send(handPort, target, { method });
    const viaExpress = await send(expressPort, target, { method });
    expect(viaHand.status, target).toBe(viaExpress.status);
    expect(viaHand.body.replace('"via":"hand"', '"via":"express"'), target).toBe(viaExpress.body);
    // Only a POST to a route path is taken by hand; everything else reaches Express.
    if (viaHand.body.includes('"via":"hand"')) expect(method).toBe('POST');
  }

  it('serve exactly the requests Express would route, with the same parameters', async () => {
    for (const target of NEAR_ROUTES) {
      await sameAsExpress(target, 'POST');
      await sameAsExpress(target, 'GET');
    }
    await fc.assert(fc.asyncProperty(path, fc.constantFrom('POST', 'GET'), sameAsExpress), { numRuns: 150 });
    expect((await send(handPort, '/webhooks/salesforce/abc')).body).toContain('"via":"hand"');
    expect((await send(handPort, '/webhooks/salesforce/abc%2F1?x=1')).body).toBe(
      JSON.stringify({ via: 'hand', path: TOKEN_ROUTE, params: { token: 'abc/1' } }),
    );
  });

  it('give a request id (the caller’s when sane) and log one line with the secret path redacted', async () => {
    const given = await send(handPort, '/webhooks/salesforce/secret-token-1', {
      headers: { 'x-request-id': 'caller-id.1' },
    });
    expect(given.body).toContain('"via":"hand"');
    expect(given.headers['x-request-id']).toBe('caller-id.1');
    const generated = await send(handPort, '/webhooks/hubspot', { headers: { 'x-request-id': 'bad id!' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const lines = logs
      .join('')
      .split('\n')
      .filter((line) => line.includes('"reqId":"caller-id.1"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"path":"/webhooks/salesforce/[redacted]"');
    expect(logs.join('')).not.toContain('secret-token-1');
  });
});

describe('hand-routed requests that fail or overload', () => {
  const local: Server[] = [];
  afterAll(async () => {
    await Promise.all(local.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function start(handler: CountedRoute['handler'], maxBodies: number) {
    const admit = bodyGate(maxBodies);
    const served: CountedRoute[] = [{ method: 'POST', path: PLAIN_ROUTE, handler }];
    const server = createServer(handRouted(served, expressApp(track, admit, served), { track, admit }));
    local.push(server);
    return listen(server);
  }

  it('answers a handler failure as JSON: a 4xx says what is wrong, a 5xx only the request id', async () => {
    let next: Error = Object.assign(new Error('body is not JSON'), { status: 400 });
    const port = await start(async () => {
      throw next;
    }, 8);
    const bad = await send(port, PLAIN_ROUTE);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'bad_request', message: 'body is not JSON' });
    next = new Error('database password is hunter2');
    const failed = await send(port, PLAIN_ROUTE, { headers: { 'x-request-id': 'failing-1' } });
    expect(failed.status).toBe(500);
    expect(failed.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(failed.body)).toEqual({
      error: 'internal_error',
      message: 'request failed (request id failing-1)',
    });
    expect(failed.body).not.toContain('hunter2');
  });

  it('counts bodies in flight with Express in one gate: past the cap both answer 503 with Retry-After', async () => {
    const port = await start(async (req, res) => {
      for await (const _chunk of req);
      res.end('stored');
    }, 1);
    // A body that stops halfway holds the only place.
    const stalled = request({
      host: '127.0.0.1',
      port,
      path: PLAIN_ROUTE,
      method: 'POST',
      headers: { 'content-length': '10' },
    });
    stalled.on('error', () => {});
    const stalledAnswer = new Promise<number>((resolve) =>
      stalled.on('response', (res) => resolve(res.statusCode ?? 0)),
    );
    stalled.write('12345');
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const target of [PLAIN_ROUTE, '/not-hand-routed']) {
      const refused = await send(port, target, { body: 'abc' });
      expect(refused.status, target).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(JSON.parse(refused.body).error).toBe('overloaded');
    }
    stalled.end('67890');
    expect(await stalledAnswer).toBe(200);
    expect((await send(port, PLAIN_ROUTE)).body).toBe('stored');
  });
});
