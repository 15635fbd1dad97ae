import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildOutboundMessage } from '@hookpost/salesforce';
import { afterEach, describe, expect, it } from 'vitest';
import { apiTestConfig, hubspotBatch, ORG_ID, postHubSpot, SF_TOKEN } from './support/api-client.js';
import { eventually, startTestConnector } from './support/connector.js';
import { rawRequest, requestHead, stalledRequest } from './support/raw-http.js';

type Connector = Awaited<ReturnType<typeof startTestConnector>>;
const started: Connector[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((connector) => connector.stop()));
});

async function connector(env: Record<string, string> = {}, databaseUrl = 'sqlite::memory:') {
  const running = await startTestConnector(apiTestConfig('http://127.0.0.1:9', 'http://127.0.0.1:9'), {
    databaseUrl,
    env,
    worker: false,
  });
  started.push(running);
  return running;
}

const BODY_TIMEOUT_MS = 1_000;
// Node checks request deadlines once per second (`connectionsCheckingInterval`); the
// slack covers a busy machine's late timers, far below the minutes a stalled body got before.
const CHECK_INTERVAL_MS = 1_000;
const SLACK_MS = 2_000;

describe('request bodies that stall', () => {
  it('closes a socket that sent 10 of 1000 body bytes within the body deadline (408)', async () => {
    const running = await connector({ HOOKPOST_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) });
    const head = requestHead('POST', `/webhooks/salesforce/${SF_TOKEN}`, {
      'content-type': 'text/xml',
      'content-length': '1000',
    });
    const exchange = await stalledRequest(running.port ?? 0, head, '<soapenv:E', 10_000);
    expect(exchange.response).toMatch(/^HTTP\/1\.1 408/);
    expect(exchange.closedAfterMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
    expect(exchange.closedAfterMs).toBeLessThanOrEqual(BODY_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
  });

  it('refuses a HubSpot request with stale, missing or malformed signature headers before reading its body', async () => {
    const running = await connector({ HOOKPOST_BODY_TIMEOUT_MS: '60000' });
    for (const headers of [
      { 'x-hubspot-signature-v3': `${'A'.repeat(43)}=`, 'x-hubspot-request-timestamp': '1000' },
      {},
      { 'x-hubspot-signature-v3': 'short', 'x-hubspot-request-timestamp': String(Date.now()) },
    ]) {
      const head = requestHead('POST', '/webhooks/hubspot', {
        'content-type': 'application/json',
        'content-length': '1000',
        ...headers,
      });
      // The body never completes; the answer and the close come at once, not after 60 s.
      const exchange = await stalledRequest(running.port ?? 0, head, '[{"eventId"', 10_000);
      expect(exchange.response).toMatch(/^HTTP\/1\.1 401/);
      expect(exchange.response).toMatch(/connection: close/i);
    }
  });

  it('answers 503 with Retry-After once the bodies in flight reach the cap, and recovers', async () => {
    const running = await connector({ HOOKPOST_MAX_BODIES_IN_FLIGHT: '2', HOOKPOST_BODY_TIMEOUT_MS: '4000' });
    const port = running.port ?? 0;
    const head = requestHead('POST', `/webhooks/salesforce/${SF_TOKEN}`, { 'content-length': '1000' });
    const stalled = [stalledRequest(port, head, 'x', 10_000), stalledRequest(port, head, 'x', 10_000)];
    await eventually(async () => {
      const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
      return /^hookpost_http_bodies_in_flight 2$/m.test(metrics) ? true : undefined;
    });
    const refused = await stalledRequest(port, head, 'x', 10_000);
    expect(refused.response).toMatch(/^HTTP\/1\.1 503/);
    expect(refused.response).toMatch(/retry-after: 1/i);
    await Promise.all(stalled);
    const { body } = hubspotBatch([{ objectId: 1, propertyName: 'city', propertyValue: 'Köln' }]);
    expect(await postHubSpot(running.baseUrl, body)).toBe(204);
  });
});

describe('the Salesforce endpoint token never reaches a log line', () => {
  it('is redacted for every spelling of the path', async () => {
    const running = await connector();
    const xml = buildOutboundMessage({
      organizationId: ORG_ID,
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000001XyZaAAK',
          objectType: 'Contact',
          fields: { Id: '0035e00000AbCdEAAV', LastName: 'M' },
        },
      ],
    });
    const encodedFirst = `%${SF_TOKEN.charCodeAt(0).toString(16)}${SF_TOKEN.slice(1)}`;
    const variants = [
      `/webhooks/salesforce/${SF_TOKEN}`,
      `/Webhooks/Salesforce/${SF_TOKEN}`,
      `/WEBHOOKS/SALESFORCE/${SF_TOKEN}`,
      `//webhooks/salesforce/${SF_TOKEN}`,
      `/webhooks//salesforce/${SF_TOKEN}`,
      `/webhooks/salesforce/${SF_TOKEN}/`,
      `/webhooks/salesforce/${SF_TOKEN}?x=1`,
      `/webhooks/salesforce/${encodedFirst}`,
      `/webhooks/%73alesforce/${SF_TOKEN}`,
      `/webhooks%2Fsalesforce%2F${SF_TOKEN}`,
      `/webhooks/salesforce/${SF_TOKEN}/extra`,
      `/other/${SF_TOKEN}`,
      `/api/${SF_TOKEN}`,
    ];
    for (const variant of variants) {
      const status = await rawRequest(running.port ?? 0, 'POST', variant, xml);
      expect(status, variant).toBeLessThan(500);
    }
    const logs = running.logs.join('');
    expect(logs.match(/"msg":"request"/g)?.length).toBeGreaterThanOrEqual(variants.length);
    expect(logs).not.toContain(SF_TOKEN);
    expect(logs).not.toContain(encodedFirst);
    expect(logs).not.toContain(SF_TOKEN.slice(4));
  });
});

describe('data files', () => {
  it('creates the data directory 0700 and the database with its -wal and -shm 0600', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-modes-')), 'data');
    const file = path.join(dir, 'hookpost.db');
    const running = await connector({}, `sqlite:${file}`);
    const { body } = hubspotBatch([{ objectId: 2, propertyName: 'city', propertyValue: 'Bonn' }]);
    expect(await postHubSpot(running.baseUrl, body)).toBe(204);
    const mode = (target: string) => statSync(target).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    for (const target of [file, `${file}-wal`, `${file}-shm`]) expect(mode(target), target).toBe(0o600);
  });
});

describe('metrics', () => {
  it('exports the event-loop delay', async () => {
    const running = await connector();
    const text = await (await fetch(`${running.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_max_seconds \d/m);
  });
});
