import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV3 } from '../testing/sign.js';
import { createOptionsFetchMiddleware } from './options-fetch.js';

const secret = 'options-secret';
const publicUrl = 'https://hooks.example.com';
const path = '/webhooks/hubspot/workflow-action/options';
let server: Server;
let base: string;
let failNext = false;

beforeAll(async () => {
  const middleware = createOptionsFetchMiddleware({
    clientSecrets: [secret],
    publicUrl,
    optionsFor: async ({ portalId, inputFieldName }) => {
      if (failNext) throw new Error('store down');
      return portalId === '62515' && inputFieldName === 'campaign'
        ? [
            { value: 'welcome-pack', label: 'Welcome pack' },
            { value: 'gift', label: 'Thank-you gift' },
          ]
        : [];
    },
  });
  server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(body: unknown, signWith = secret) {
  const text = JSON.stringify(body);
  const headers = signV3({ secret: signWith, method: 'POST', url: `${publicUrl}${path}`, body: text });
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const request = (q?: string) => ({
  origin: { portalId: 62515, actionDefinitionId: 7 },
  inputFieldName: 'campaign',
  inputFields: {},
  ...(q === undefined ? {} : { fetchOptions: { q } }),
});

describe('createOptionsFetchMiddleware', () => {
  it('answers the options of the portal, searchable', async () => {
    expect(await post(request())).toEqual({
      status: 200,
      body: {
        options: [
          { value: 'welcome-pack', label: 'Welcome pack' },
          { value: 'gift', label: 'Thank-you gift' },
        ],
        searchable: true,
      },
    });
  });

  it('filters on the search text in label or value, case-insensitively', async () => {
    expect((await post(request('THANK'))).body.options).toEqual([{ value: 'gift', label: 'Thank-you gift' }]);
  });

  it('401 for a wrong signature, 400 naming the field for a bad body, 503 when the options cannot be read', async () => {
    expect((await post(request(), 'not-the-secret')).status).toBe(401);
    const bad = await post({ origin: { portalId: 1 } });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toContain('inputFieldName');
    failNext = true;
    try {
      expect((await post(request())).status).toBe(503);
    } finally {
      failNext = false;
    }
  });
});
