import { type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  convertFakeLead,
  type FakeLeadConversion,
  type FakeLeadConversionResult,
  mergeFakeRecords,
} from './fake-crm-ops.js';
import { runSoql, SoqlError } from './fake-soql.js';
import { createFakeStore, type FakeRecord, type FakeRecords, fakeId } from './fake-store.js';
import { checkAssertion } from './fake-token.js';

export interface FakeSalesforceOptions {
  records?: FakeRecords;
  /** Daily API request limit; calls past it fail with REQUEST_LIMIT_EXCEEDED. Default 15 000. */
  apiLimit?: number;
  /** Public key of the connected app's certificate: JWT bearer assertions are verified with it. */
  publicKey?: string | KeyObject;
  /** When set, assertions must carry this `iss` / `sub`. */
  clientId?: string;
  username?: string;
  /** Organization id in the token response's identity URL. */
  organizationId?: string;
  /** Static access tokens that are accepted without a token request. */
  accessTokens?: string[];
}

/** One field of `GET /sobjects/{Object}/describe` (the parts a client reads). */
export interface FakeDescribeField {
  name: string;
  type: string;
  picklistValues?: { value: string; label?: string; active?: boolean }[];
}

export interface FakeSalesforceStats {
  tokenRequests: number;
  /** Data API calls, counted like Salesforce's daily usage. */
  apiCalls: number;
  /** Retrieve calls with the number of ids each asked for. */
  retrieves: { type: string; ids: number }[];
  queries: string[];
}

export interface FakeSalesforce {
  url: string;
  close(): Promise<void>;
  addRecord(type: string, id: string, fields: FakeRecord): void;
  /** A stored record (Contact, Lead, Task…) as the API last wrote it. */
  getRecord(type: string, id: string): FakeRecord | undefined;
  /** Tasks created through `POST /sobjects/Task`. */
  tasks: FakeRecord[];
  stats: FakeSalesforceStats;
  /** Invalidates every issued access token (the next call gets INVALID_SESSION_ID). */
  expireSessions(): void;
  /** What `GET /sobjects/{type}/describe` lists (else one string field per name on its records). */
  defineFields(type: string, fields: FakeDescribeField[]): void;
  /**
   * Converts a Lead as `convertLead()` does: the Lead stays readable with `IsConverted`,
   * `ConvertedContactId`, `ConvertedAccountId`, `ConvertedDate` and the converted `Status`.
   */
  convertLead(leadId: string, options?: FakeLeadConversion): FakeLeadConversionResult;
  /** Merges `loserIds` into `masterId` as `merge()` does: losers deleted with `MasterRecordId` (only `queryAll` sees them). */
  mergeRecords(type: string, masterId: string, loserIds: string[]): void;
}

const DATA_PATH = /^\/services\/data\/v(\d+\.\d)\/(.+)$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
}
const sfError = (errorCode: string, message: string) => [{ message, errorCode }];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A small real Salesforce REST server on 127.0.0.1 for tests: the OAuth token endpoint
 * (JWT bearer, RS256 verified), sObject collections retrieve, getUpdated (`sobjects/<type>/updated`,
 * by each record's `SystemModstamp`), the SOQL shapes the client sends, Task create, record
 * update (PATCH), `Sforce-Limit-Info` and REQUEST_LIMIT_EXCEEDED; lead conversion and merges as
 * Salesforce leaves them (a converted Lead stays readable; a merged-away record is deleted with
 * `MasterRecordId`, found by `queryAll` only).
 *
 * @example
 * const fake = await startFakeSalesforce({ publicKey, records: { Contact: [{ Id: '003…', LastName: 'Doe' }] } });
 * const client = createSalesforceClient({ instanceUrl: fake.url, loginUrl: fake.url, auth: { type: 'jwt', … } });
 * await fake.close();
 */
export async function startFakeSalesforce(options: FakeSalesforceOptions = {}): Promise<FakeSalesforce> {
  const store = createFakeStore(options.records);
  const apiLimit = options.apiLimit ?? 15_000;
  const organizationId = options.organizationId ?? '00Dxx0000001gPFEAY';
  const tokens = new Set(options.accessTokens ?? []);
  const tasks: FakeRecord[] = [];
  const describes = new Map<string, FakeDescribeField[]>();
  const stats: FakeSalesforceStats = { tokenRequests: 0, apiCalls: 0, retrieves: [], queries: [] };
  let url = '';

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.tokenRequests += 1;
    const params = new URLSearchParams(await readBody(req));
    if (params.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });
    }
    const problem = await checkAssertion(params.get('assertion') ?? '', {
      audience: url,
      ...(options.publicKey ? { publicKey: options.publicKey } : {}),
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.username ? { username: options.username } : {}),
    });
    if (problem) return send(res, 400, { error: 'invalid_grant', error_description: problem });
    const accessToken = `${organizationId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    tokens.add(accessToken);
    send(res, 200, {
      access_token: accessToken,
      scope: 'api',
      instance_url: url,
      id: `${url}/id/${organizationId}/005xx000001Sv6eAAC`,
      token_type: 'Bearer',
    });
  }

  function retrieve(res: ServerResponse, type: string, ids: string[], fields: string[]): void {
    stats.retrieves.push({ type, ids: ids.length });
    if (ids.length > 200) {
      send(
        res,
        400,
        sfError(
          'EXCEEDED_ID_LIMIT',
          'record limit reached. cannot submit more than 200 records into this call',
        ),
      );
      return;
    }
    send(
      res,
      200,
      ids.map((id) => {
        const record = store.get(type, id);
        // A deleted record (a merge's loser) is in the recycle bin: retrieve does not find it.
        if (!record || record.IsDeleted === true) return null;
        const row: Record<string, unknown> = { attributes: { type, url: `/sobjects/${type}/${record.Id}` } };
        for (const field of fields) row[field] = record[field] ?? null;
        return row;
      }),
    );
  }

  async function data(
    req: IncomingMessage,
    res: ServerResponse,
    version: string,
    rest: string,
  ): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (!tokens.has(auth.replace(/^(?:Bearer|OAuth)\s+/i, ''))) {
      return send(res, 401, sfError('INVALID_SESSION_ID', 'Session expired or invalid'));
    }
    stats.apiCalls += 1;
    res.setHeader('Sforce-Limit-Info', `api-usage=${Math.min(stats.apiCalls, apiLimit)}/${apiLimit}`);
    if (stats.apiCalls > apiLimit) {
      return send(res, 403, sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    }
    const [path = '', search = ''] = rest.split('?');
    const query = new URLSearchParams(search);
    const collection = /^composite\/sobjects\/(\w+)$/.exec(path);
    if (collection?.[1] && req.method === 'POST') {
      const body = JSON.parse(await readBody(req)) as { ids?: string[]; fields?: string[] };
      return retrieve(res, collection[1], body.ids ?? [], body.fields ?? []);
    }
    if (collection?.[1] && req.method === 'GET') {
      const list = (name: string) => (query.get(name) ?? '').split(',').filter(Boolean);
      return retrieve(res, collection[1], list('ids'), list('fields'));
    }
    const updated = /^sobjects\/(\w+)\/updated\/?$/.exec(path);
    if (updated?.[1] && req.method === 'GET') {
      // getUpdated: ids whose SystemModstamp is in [start, end].
      const start = Date.parse(query.get('start') ?? '');
      const end = Date.parse(query.get('end') ?? '');
      if (!(end > start))
        return send(res, 400, sfError('INVALID_REPLICATION_DATE', 'end must be after start'));
      const ids = store
        .all(updated[1])
        .filter((r) => {
          const at = Date.parse(String(r.SystemModstamp ?? ''));
          return at >= start && at <= end;
        })
        .map((r) => String(r.Id));
      return send(res, 200, { ids, latestDateCovered: new Date(end).toISOString() });
    }
    if ((path === 'query' || path === 'queryAll') && req.method === 'GET') {
      const soql = query.get('q') ?? '';
      stats.queries.push(soql);
      try {
        // `queryAll` also returns deleted records (the recycle bin), `query` does not.
        return send(res, 200, runSoql(store, soql, { includeDeleted: path === 'queryAll' }));
      } catch (error) {
        if (error instanceof SoqlError) return send(res, 400, sfError('MALFORMED_QUERY', error.message));
        throw error;
      }
    }
    const describe = /^sobjects\/(\w+)\/describe$/.exec(path);
    if (describe?.[1] && req.method === 'GET') return send(res, 200, describeOf(describe[1]));
    if (path === 'sobjects/Task' && req.method === 'POST') {
      const body = JSON.parse(await readBody(req)) as FakeRecord;
      if (!body.Subject)
        return send(res, 400, sfError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Subject]'));
      if (String(body.WhoId ?? '').startsWith('00Q') && body.WhatId) {
        return send(
          res,
          400,
          sfError('FIELD_INTEGRITY_EXCEPTION', 'Related To ID: id value of incorrect type'),
        );
      }
      const record = store.add('Task', fakeId('00T'), body);
      tasks.push(record);
      return send(res, 201, { id: record.Id, success: true, errors: [] });
    }
    const record = /^sobjects\/(\w+)\/(\w+)$/.exec(path);
    if (record?.[1] && record[2] && req.method === 'PATCH') {
      const updated = store.update(record[1], record[2], JSON.parse(await readBody(req)) as FakeRecord);
      if (!updated) return send(res, 404, sfError('NOT_FOUND', 'The requested resource does not exist'));
      res.writeHead(204).end();
      return;
    }
    send(res, 404, sfError('NOT_FOUND', `The requested resource does not exist (v${version}/${path})`));
  }

  /** The describe result's `name` and `fields` with `picklistValues` (always an array, as Salesforce sends). */
  function describeOf(type: string) {
    const defined = describes.get(type);
    const names = [...new Set(['Id', ...store.all(type).flatMap((r) => Object.keys(r))])];
    const fields = defined ?? names.map((name) => ({ name, type: name === 'Id' ? 'id' : 'string' }));
    return { name: type, fields: fields.map((f) => ({ picklistValues: [], ...f })) };
  }

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const match = DATA_PATH.exec(path);
    const work =
      path === '/services/oauth2/token' && req.method === 'POST'
        ? token(req, res)
        : match
          ? data(req, res, match[1] ?? '', match[2] ?? '')
          : Promise.resolve(send(res, 404, sfError('NOT_FOUND', 'no such endpoint')));
    work.catch((error: unknown) => send(res, 500, sfError('UNKNOWN_EXCEPTION', String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    tasks,
    stats,
    addRecord: (type, id, fields) => void store.add(type, id, fields),
    getRecord: (type, id) => store.get(type, id),
    expireSessions: () => tokens.clear(),
    defineFields: (type, fields) => void describes.set(type, fields),
    convertLead: (leadId, conversion) => convertFakeLead(store, leadId, conversion),
    mergeRecords: (type, masterId, loserIds) => mergeFakeRecords(store, type, masterId, loserIds),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
