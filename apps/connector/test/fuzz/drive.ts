import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { signV3 } from '@hookpost/hubspot/testing';
import { ADMIN_TOKEN, PUBLIC_URL } from '../support/api-client.js';
import { HUBSPOT_SECRET } from '../support/connector.js';
import type { Endpoint, FuzzInput } from './inputs.js';

export interface FuzzFigures {
  inputs: number;
  byStatus: Record<string, number>;
  byEndpoint: Record<string, Record<string, number>>;
  serverErrors: { input: FuzzInput; status: number; answer: string }[];
  /** Bodies answered 2xx on a CRM endpoint: each must be a stored inbound delivery. */
  acknowledged: { endpoint: Endpoint; body: string }[];
  peakRssBytes: number;
  elapsedMs: number;
  /** Summed answer time per endpoint, to see where a slow run spends it. */
  msByEndpoint: Record<string, number>;
}

const MAX_RECORDED_ERRORS = 20;
const INBOUND: ReadonlySet<Endpoint> = new Set(['hubspot_webhook', 'workflow_action', 'salesforce']);

function signed(input: FuzzInput, body: string | Uint8Array): Record<string, string> {
  const url = `${PUBLIC_URL}${input.path}`;
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  const sha = (...parts: (string | Buffer)[]) => {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest('hex');
  };
  const v3 = (skewMs: number, secret = HUBSPOT_SECRET) =>
    signV3({ secret, method: 'POST', url, body: bytes, timestamp: Date.now() + skewMs });
  switch (input.signing) {
    case 'v3':
      return v3(0);
    case 'v3-stale':
      return v3(-400_000);
    case 'v3-future':
      return v3(400_000);
    case 'v3-wrong':
      return v3(0, 'another-secret');
    case 'v3-garbled':
      return {
        'x-hubspot-signature-v3': randomBytes(20).toString('hex'),
        'x-hubspot-request-timestamp': 'soon',
      };
    case 'v2':
      return {
        'x-hubspot-signature': sha(HUBSPOT_SECRET, 'POST', url, bytes),
        'x-hubspot-signature-version': 'v2',
      };
    case 'v1':
      return { 'x-hubspot-signature': sha(HUBSPOT_SECRET, bytes), 'x-hubspot-signature-version': 'v1' };
    case 'v2-wrong':
      return { 'x-hubspot-signature': sha('x', bytes), 'x-hubspot-signature-version': 'v2' };
    case 'none':
      return {};
  }
}

/** What the inbox stores for a body: its UTF-8 reading, NULs removed. */
export function storedForm(body: string | Uint8Array): string {
  return Buffer.from(typeof body === 'string' ? Buffer.from(body) : body)
    .toString('utf8')
    .replaceAll('\u0000', '');
}

/** One request over a keep-alive agent (lighter than fetch: 20,000 of them run on a shared machine). */
function call(
  agent: Agent,
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | null,
): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8').slice(0, 300),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

async function send(
  agent: Agent,
  baseUrl: string,
  input: FuzzInput,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  let path = input.path;
  if (input.contentType) headers['content-type'] = input.contentType;
  if (input.endpoint === 'admin' && input.authorised) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  if (input.body !== null) Object.assign(headers, signed(input, input.body));
  if (input.endpoint === 'oauth_callback' && input.authorised) {
    // A real install first: its state and cookie, so the callback's later checks are reached.
    const install = await call(agent, baseUrl, 'GET', '/oauth/hubspot/install', {}, null);
    const location = String(install.headers.location ?? 'http://x/');
    const state = new URL(location).searchParams.get('state') ?? '';
    const cookie = install.headers['set-cookie']?.[0] ?? '';
    headers.cookie = cookie.split(';')[0] ?? '';
    path = `${path}&state=${encodeURIComponent(state)}&code=fuzz-${randomBytes(4).toString('hex')}`;
  }
  const body = input.body === null ? null : Buffer.from(input.body);
  return call(agent, baseUrl, input.method, path, headers, body);
}

/**
 * Sends every input (pulled as needed, so they need not all be in memory) over real HTTP with `concurrency` in flight, counts the answers,
 * keeps the 5xx (with their input) and the acknowledged CRM bodies, and samples RSS.
 */
export async function drive(
  baseUrl: string,
  inputs: Iterator<FuzzInput>,
  concurrency: number,
): Promise<FuzzFigures> {
  const figures: FuzzFigures = {
    inputs: 0,
    byStatus: {},
    byEndpoint: {},
    serverErrors: [],
    acknowledged: [],
    peakRssBytes: process.memoryUsage.rss(),
    elapsedMs: 0,
    msByEndpoint: {},
  };
  const started = performance.now();
  const sampler = setInterval(() => {
    figures.peakRssBytes = Math.max(figures.peakRssBytes, process.memoryUsage.rss());
  }, 100);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const worker = async () => {
    for (let item = inputs.next(); !item.done; item = inputs.next()) {
      const input = item.value;
      figures.inputs++;
      let answer: { status: number; text: string };
      const sent = performance.now();
      try {
        answer = await send(agent, baseUrl, input);
      } catch (error) {
        answer = { status: 0, text: `no answer: ${(error as Error).message}` };
      }
      figures.msByEndpoint[input.endpoint] = Math.round(
        (figures.msByEndpoint[input.endpoint] ?? 0) + performance.now() - sent,
      );
      const key = String(answer.status);
      figures.byStatus[key] = (figures.byStatus[key] ?? 0) + 1;
      const endpoint = figures.byEndpoint[input.endpoint] ?? {};
      figures.byEndpoint[input.endpoint] = endpoint;
      endpoint[key] = (endpoint[key] ?? 0) + 1;
      if (
        (answer.status >= 500 || answer.status === 0) &&
        figures.serverErrors.length < MAX_RECORDED_ERRORS
      ) {
        figures.serverErrors.push({ input, status: answer.status, answer: answer.text });
      }
      if (answer.status >= 200 && answer.status < 300 && INBOUND.has(input.endpoint) && input.body !== null) {
        figures.acknowledged.push({ endpoint: input.endpoint, body: storedForm(input.body) });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  figures.elapsedMs = Math.round(performance.now() - started);
  return figures;
}

/** One line per figure, for the test output the lead quotes. */
export function describeFigures(label: string, seed: number, figures: FuzzFigures): string {
  const fiveXx = Object.entries(figures.byStatus)
    .filter(([status]) => Number(status) >= 500 || status === '0')
    .reduce((sum, [, n]) => sum + n, 0);
  return [
    `[fuzz ${label}] seed=${seed} inputs=${figures.inputs} elapsed=${figures.elapsedMs}ms 5xx=${fiveXx}`,
    `[fuzz ${label}] status codes ${JSON.stringify(figures.byStatus)}`,
    `[fuzz ${label}] by endpoint ${JSON.stringify(figures.byEndpoint)}`,
    `[fuzz ${label}] answer time by endpoint (ms, summed) ${JSON.stringify(figures.msByEndpoint)}`,
    `[fuzz ${label}] acknowledged (2xx) CRM deliveries=${figures.acknowledged.length} peak RSS=${Math.round(figures.peakRssBytes / 1_048_576)} MB`,
  ].join('\n');
}
