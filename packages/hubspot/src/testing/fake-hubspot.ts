import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubSpotError, readBody, reply } from './http.js';
import { createRateWindow } from './rate-window.js';
import {
  associationRead,
  batchRead,
  type CrmState,
  completeCallback,
  createPostalMail,
  listProperties,
  type PropertyDefinition,
  type RouteResult,
} from './routes-crm.js';
import { accessTokenInfo, type OAuthState, token } from './routes-oauth.js';
import { patchObject } from './routes-write-back.js';
import {
  associationsOf,
  createFakeData,
  type FakeData,
  labelKey,
  type Properties,
  pluralOf,
  recordsOf,
} from './store.js';

export interface FakeHubSpotOptions {
  rateLimit?: { max: number; intervalMs: number };
  latencyMs?: number;
  portalId?: number;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
}

export interface FakeHubSpot {
  url: string;
  close(): Promise<void>;
  data: FakeData;
  addRecord(type: string, id: string, properties: Properties): void;
  /**
   * Links two records both ways; `label` (e.g. `Primary`, `Primary contact`) is answered in the
   * link's v4 `associationTypes`, on both directions, as HubSpot does for labelled associations.
   */
  associate(fromType: string, fromId: string, toType: string, toId: string, label?: string): void;
  /**
   * Merges `mergedId` into `survivorId` as HubSpot does: the merged record is gone, batch reads
   * of its id answer the survivor under the survivor's id, and the survivor's
   * `hs_merged_object_ids` lists it (`;`-separated). Its associations move to the survivor.
   */
  mergeRecords(type: string, mergedId: string, survivorId: string): void;
  /** What `GET /crm/v3/properties/{type}` answers for `type` (else names taken from its records). */
  defineProperties(type: string, definitions: PropertyDefinition[]): void;
  stats: {
    calls: number;
    rateLimited: number;
    forcedFailures: number;
    batchReads: number;
    /** Ids asked for in admitted batch reads (≤ 100 each): `recordsRead / batchReads` is the batch fill. */
    recordsRead: number;
    associationReads: number;
    tokenRequests: number;
  };
  postalMails: CrmState['postalMails'];
  completedCallbacks: CrmState['completedCallbacks'];
  /** The next `count` API calls answer `status` (429 with HubSpot's body, `policyName` and Retry-After: 1). */
  failNext(count: number, status: number, policyName?: 'TEN_SECONDLY_ROLLING' | 'DAILY'): void;
}

const RATE_LIMIT_MESSAGE = 'You have reached your ten_secondly_rolling limit.';

/**
 * A small real HubSpot API on 127.0.0.1 for tests: CRM batch reads, v4 association reads,
 * OAuth token + access-token info, postal_mail creation, object updates (PATCH) and workflow callbacks, with
 * HubSpot's per-token rolling rate limit and its 429 bodies and headers.
 *
 * @example
 * const hubspot = await startFakeHubSpot();
 * hubspot.addRecord('contact', '1', { firstname: 'Erika' });
 * const client = createHubSpotClient({ accessToken: 'test', baseUrl: hubspot.url });
 */
export async function startFakeHubSpot(options: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const rateLimit = options.rateLimit ?? { max: 110, intervalMs: 10_000 };
  const window = createRateWindow(rateLimit.max, rateLimit.intervalMs);
  const data = createFakeData();
  const stats = {
    calls: 0,
    rateLimited: 0,
    forcedFailures: 0,
    batchReads: 0,
    recordsRead: 0,
    associationReads: 0,
    tokenRequests: 0,
  };
  const crm: CrmState = {
    data,
    postalMails: [],
    completedCallbacks: [],
    stats,
    propertyDefinitions: new Map(),
  };
  const oauth: OAuthState = {
    clientId: options.clientId ?? 'fake-client-id',
    clientSecret: options.clientSecret ?? 'fake-client-secret',
    portalId: options.portalId ?? 62515,
    scopes: options.scopes ?? ['oauth', 'crm.objects.contacts.read'],
    accessTokens: new Map(),
    refreshTokens: new Set(),
    stats,
  };
  const failures: Array<{ status: number; policyName: string }> = [];
  const rateHeaders = (remaining: number) => ({
    'x-hubspot-ratelimit-max': String(rateLimit.max),
    'x-hubspot-ratelimit-remaining': String(remaining),
    'x-hubspot-ratelimit-interval-milliseconds': String(rateLimit.intervalMs),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.calls += 1;
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (url.pathname === '/oauth/v1/token' && req.method === 'POST')
      return send(res, token(oauth, new URLSearchParams(raw)));
    const info = /^\/oauth\/v1\/access-tokens\/([^/]+)$/.exec(url.pathname);
    if (info && req.method === 'GET')
      return send(res, accessTokenInfo(oauth, decodeURIComponent(info[1] ?? '')));

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) {
      const message = 'Authentication credentials not found. This API supports OAuth 2.0 authentication.';
      return reply(res, 401, hubSpotError(message, 'INVALID_AUTHENTICATION'));
    }
    const forced = failures.shift();
    if (forced !== undefined) {
      stats.forcedFailures += 1;
      if (forced.status === 429) return rateLimited(res, 1, 0, forced.policyName);
      return reply(res, forced.status, hubSpotError('internal error', 'INTERNAL_ERROR'));
    }
    const admitted = window.admit(bearer);
    if (!admitted.ok) {
      stats.rateLimited += 1;
      return rateLimited(res, admitted.retryAfterSeconds, 0);
    }
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return reply(res, 400, hubSpotError('Invalid input JSON', 'VALIDATION_ERROR'));
    }
    return send(res, route(req.method ?? 'GET', url.pathname, body), rateHeaders(admitted.remaining));
  }

  function route(method: string, path: string, body: Record<string, unknown>): RouteResult {
    const properties = /^\/crm\/v3\/properties\/([^/]+)$/.exec(path);
    if (properties && method === 'GET') return listProperties(crm, decodeURIComponent(properties[1] ?? ''));
    if (method === 'PATCH') {
      const patched = patchObject(crm, path, body);
      if (patched) return patched;
    }
    if (method !== 'POST')
      return { status: 404, body: hubSpotError(`no route ${method} ${path}`, 'NOT_FOUND') };
    if (path === '/crm/v3/objects/postal_mail') return createPostalMail(crm, body);
    const read = /^\/crm\/v3\/objects\/([^/]+)\/batch\/read$/.exec(path);
    if (read) return batchRead(crm, decodeURIComponent(read[1] ?? ''), body);
    const assoc = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/.exec(path);
    if (assoc) return associationRead(crm, assoc[1] ?? '', assoc[2] ?? '', body);
    const callback = /^\/automation\/v4\/actions\/callbacks\/([^/]+)\/complete$/.exec(path);
    if (callback) return completeCallback(crm, decodeURIComponent(callback[1] ?? ''), body);
    return { status: 404, body: hubSpotError(`no route ${method} ${path}`, 'NOT_FOUND') };
  }

  function rateLimited(
    res: ServerResponse,
    retryAfterSeconds: number,
    remaining: number,
    policyName = 'TEN_SECONDLY_ROLLING',
  ): void {
    const body = {
      status: 'error',
      message: policyName === 'DAILY' ? 'You have reached your daily limit.' : RATE_LIMIT_MESSAGE,
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName,
    };
    reply(res, 429, body, { ...rateHeaders(remaining), 'retry-after': String(retryAfterSeconds) });
  }

  const send = (res: ServerResponse, result: RouteResult, headers: Record<string, string> = {}) =>
    reply(res, result.status, result.body, headers);

  const server = createServer((req, res) => {
    handle(req, res).catch(() => reply(res, 500, hubSpotError('fake failed', 'INTERNAL_ERROR')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    data,
    addRecord: (type, id, properties) => void recordsOf(data, type).set(id, properties),
    defineProperties: (type, definitions) => void crm.propertyDefinitions.set(pluralOf(type), definitions),
    associate(fromType, fromId, toType, toId, label) {
      const link = (links: Map<string, Set<string>>, a: string, b: string) =>
        links.set(a, (links.get(a) ?? new Set()).add(b));
      link(associationsOf(data, fromType, toType), fromId, toId);
      link(associationsOf(data, toType, fromType), toId, fromId);
      if (label !== undefined) {
        data.associationLabels.set(labelKey(fromType, toType, fromId, toId), label);
        data.associationLabels.set(labelKey(toType, fromType, toId, fromId), label);
      }
    },
    mergeRecords(type, mergedId, survivorId) {
      const records = recordsOf(data, type);
      const survivor = records.get(survivorId) ?? {};
      const merged = [survivor.hs_merged_object_ids, records.get(mergedId)?.hs_merged_object_ids, mergedId];
      survivor.hs_merged_object_ids = merged.filter((v) => v).join(';');
      records.set(survivorId, survivor);
      records.delete(mergedId);
      data.mergedInto.set(`${pluralOf(type)}/${mergedId}`, survivorId);
      for (const [key, links] of data.associations) {
        if (!key.startsWith(`${pluralOf(type)}/`)) continue;
        const moved = links.get(mergedId);
        if (!moved) continue;
        links.delete(mergedId);
        links.set(survivorId, new Set([...(links.get(survivorId) ?? []), ...moved]));
      }
    },
    stats,
    postalMails: crm.postalMails,
    completedCallbacks: crm.completedCallbacks,
    failNext: (count, status, policyName = 'TEN_SECONDLY_ROLLING') =>
      void failures.push(...Array.from({ length: count }, () => ({ status, policyName }))),
  };
}
