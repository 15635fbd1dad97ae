import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HOOKPOST_SCOPES } from '@hookpost/hubspot';
import { type FakeHubSpot, signV3, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL } from './support/api-client.js';
import { startTestConnector } from './support/connector.js';

const CLIENT_SECRET = 'fake-client-secret';
const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');
const METRICS_TOKEN = 'metrics-token-0123456789';
const OPTIONS_PATH = '/webhooks/hubspot/workflow-action/options';
const APP_SRC = path.resolve(import.meta.dirname, '../../hubspot-app/src');

// Portal 62515 (the fake HubSpot's installing portal) is named by no workspace.
const config = (hubspotUrl: string) => `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientId: fake-client-id, clientSecret: ${CLIENT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: acme
    hubspot: { portalId: 777 }
    destinations: { log: { type: log } }
    campaigns:
      - id: welcome-pack
        name: Welcome pack
        destination: log
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
      - id: winter-catalogue
        name: Winter catalogue
        destination: log
        trigger: { platform: hubspot, object: deal, on: created }
`;

let hubspot: FakeHubSpot;
let connector: Awaited<ReturnType<typeof startTestConnector>>;

beforeAll(async () => {
  hubspot = await startFakeHubSpot();
  connector = await startTestConnector(config(hubspot.url), {
    env: { HOOKPOST_ENCRYPTION_KEY: ENCRYPTION_KEY, HOOKPOST_METRICS_TOKEN: METRICS_TOKEN },
  });
});

afterAll(async () => {
  await connector?.stop();
  await hubspot?.close();
});

function fetchOptions(body: unknown, secret = CLIENT_SECRET) {
  const text = JSON.stringify(body);
  const headers = signV3({ secret, method: 'POST', url: `${PUBLIC_URL}${OPTIONS_PATH}`, body: text });
  return fetch(`${connector.baseUrl}${OPTIONS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
}

describe('workflow action campaign picker (options fetch)', () => {
  const request = (portalId: number, q?: string) => ({
    origin: { portalId, actionDefinitionId: 1 },
    inputFieldName: 'campaign',
    inputFields: {},
    ...(q === undefined ? {} : { fetchOptions: { q } }),
  });

  it("answers the HubSpot campaigns of the portal's workspace", async () => {
    const response = await fetchOptions(request(777));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      options: [
        { value: 'welcome-pack', label: 'Welcome pack' },
        { value: 'winter-catalogue', label: 'Winter catalogue' },
      ],
      searchable: true,
    });
  });

  it('filters by the search text, and answers an empty list for a portal no workspace names', async () => {
    const searched = (await (await fetchOptions(request(777, 'WINTER'))).json()) as {
      options: { value: string }[];
    };
    expect(searched.options.map((o) => o.value)).toEqual(['winter-catalogue']);
    const other = (await (await fetchOptions(request(1))).json()) as { options: unknown[] };
    expect(other.options).toEqual([]);
  });

  it('refuses an unsigned or wrongly signed request, and says what is wrong with a bad body', async () => {
    expect((await fetchOptions(request(777), 'another-secret')).status).toBe(401);
    const bad = await fetchOptions({ origin: {} });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('origin.portalId');
  });
});

describe('HubSpot install', () => {
  it('asks for exactly the scopes of the app definition (app-hsmeta.json)', async () => {
    const app = JSON.parse(readFileSync(path.join(APP_SRC, 'app/app-hsmeta.json'), 'utf8')) as {
      config: { auth: { requiredScopes: string[]; optionalScopes: string[] } };
    };
    const install = await fetch(`${connector.baseUrl}/oauth/hubspot/install`, { redirect: 'manual' });
    const location = new URL(install.headers.get('location') ?? '');
    expect(location.searchParams.get('scope')?.split(' ')).toEqual(app.config.auth.requiredScopes);
    expect(location.searchParams.get('optional_scope')?.split(' ')).toEqual(app.config.auth.optionalScopes);
    expect(app.config.auth.requiredScopes).toEqual([...HOOKPOST_SCOPES.required]);
  });

  it('serves every URL of the app project (none answers 404)', async () => {
    const files = (readdirSync(APP_SRC, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('-hsmeta.json'),
    );
    const urls = files.flatMap(
      (f) => readFileSync(path.join(APP_SRC, f), 'utf8').match(/https:\/\/YOUR-CONNECTOR[^"]*/g) ?? [],
    );
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      const route = url.replace('https://YOUR-CONNECTOR', connector.baseUrl);
      const method = route.includes('/oauth/') ? 'GET' : 'POST';
      const response = await fetch(route, {
        method,
        redirect: 'manual',
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect({ url, status: response.status }).not.toMatchObject({ status: 404 });
    }
  });

  it('into a portal no workspace names: installed, but said to stay unrouted (answer and log)', async () => {
    const install = await fetch(`${connector.baseUrl}/oauth/hubspot/install`, { redirect: 'manual' });
    const state = new URL(install.headers.get('location') ?? '').searchParams.get('state') ?? '';
    // The state is bound to the browser that started the install by its cookie.
    const cookie = (install.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const callback = await fetch(
      `${connector.baseUrl}/oauth/hubspot/callback?code=abc&state=${encodeURIComponent(state)}`,
      { headers: { cookie } },
    );
    expect(callback.status).toBe(200);
    const body = (await callback.json()) as { installed: boolean; routed: boolean; warning: string };
    expect(body).toMatchObject({ installed: true, portalId: '62515', routed: false });
    expect(body.warning).toContain('hubspot.portalId: 62515');
    const line = connector.logs.find((l) => l.includes('no workspace names portal 62515'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 40, portalId: '62515' });
  });
});

describe('/metrics with HOOKPOST_METRICS_TOKEN', () => {
  it('answers only with the bearer token', async () => {
    expect((await fetch(`${connector.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${connector.baseUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${connector.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('hookpost_');
  });
});
