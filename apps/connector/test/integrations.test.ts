import { type FakeHubSpot, signV3, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL } from './support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { type Receiver, startReceiver } from './support/receiver.js';

const CLIENT_SECRET = 'fake-client-secret';
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

function config(hubspotUrl: string, receiverUrl: string) {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientId: fake-client-id, clientSecret: ${CLIENT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, writeBack: true }
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET}, retry: { initialDelay: PT0.1S, maxDelay: PT0.5S, maxAge: PT1M } }
    campaigns:
      - id: welcome-pack
        name: Welcome pack
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
        conditions: { all: [ { field: address.country, in: [DE, AT, CH] } ] }
`;
}

let hubspot: FakeHubSpot;
let receiver: Receiver;
let connector: Awaited<ReturnType<typeof startTestConnector>>;

async function post(path: string, body: string) {
  const headers = signV3({ secret: CLIENT_SECRET, method: 'POST', url: `${PUBLIC_URL}${path}`, body });
  return fetch(`${connector.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `HubSpot OAuth install, workflow action and write-back (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      beforeAll(async () => {
        hubspot = await startFakeHubSpot();
        hubspot.addRecord('contact', '501', {
          firstname: 'Erika',
          lastname: 'Mustermann',
          address: 'Heidestraße 17',
          zip: '51147',
          city: 'Köln',
          country: 'DE',
        });
        hubspot.addRecord('contact', '502', {
          firstname: 'Pierre',
          lastname: 'Dupont',
          address: '1 Rue X',
          zip: '75001',
          city: 'Paris',
          country: 'FR',
        });
        receiver = await startReceiver(TEST_SECRET);
        connector = await startTestConnector(config(hubspot.url, receiver.url), {
          databaseUrl: await dialect.url(),
          env: { HOOKPOST_ENCRYPTION_KEY: ENCRYPTION_KEY },
        });
      });

      afterAll(async () => {
        await connector?.stop();
        await receiver?.close();
        await hubspot?.close();
      });

      it('installs through OAuth, keeps the tokens encrypted and enriches with them', async () => {
        const install = await fetch(`${connector.baseUrl}/oauth/hubspot/install`, { redirect: 'manual' });
        expect(install.status).toBe(302);
        const location = new URL(install.headers.get('location') ?? '');
        expect(location.searchParams.get('client_id')).toBe('fake-client-id');
        expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/oauth/hubspot/callback`);
        const state = location.searchParams.get('state') ?? '';

        const setCookie = install.headers.get('set-cookie') ?? '';
        expect(setCookie).toMatch(
          /^hookpost_oauth_install=[\w-]{43}; Path=\/oauth\/hubspot; .*HttpOnly; SameSite=Lax; Secure$/,
        );
        const cookie = setCookie.split(';')[0] ?? '';
        const callbackUrl = (value: string) =>
          `${connector.baseUrl}/oauth/hubspot/callback?code=abc&state=${encodeURIComponent(value)}`;
        const reason = async (response: Response) => ((await response.json()) as { message: string }).message;

        const forged = await fetch(callbackUrl(`${state}x`), { headers: { cookie } });
        expect(forged.status).toBe(400);
        // Another browser (no cookie, or another install's cookie) cannot complete this install.
        const noCookie = await fetch(callbackUrl(state));
        expect(await reason(noCookie)).toContain('not_this_browser');
        const otherCookie = await fetch(callbackUrl(state), {
          headers: { cookie: 'hookpost_oauth_install=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        });
        expect(await reason(otherCookie)).toContain('not_this_browser');

        const callback = await fetch(callbackUrl(state), { headers: { cookie } });
        expect(callback.status).toBe(200);
        expect(await callback.json()).toEqual({ installed: true, portalId: '62515', routed: true });
        // The state is single-use: a second code with it is refused and stores nothing.
        const again = await fetch(callbackUrl(state).replace('code=abc', 'code=def'), {
          headers: { cookie },
        });
        expect(again.status).toBe(400);
        expect(await reason(again)).toContain('already_used');
        const row = await connector.handle.db
          .selectFrom('installations')
          .selectAll()
          .executeTakeFirstOrThrow();
        expect(row.access_token).toMatch(/^v1\./);
        expect(row.refresh_token).toMatch(/^v1\./);

        // The workspace has no static token: enrichment must use the installation's.
        const body = JSON.stringify([
          {
            eventId: 1,
            subscriptionId: 1,
            portalId: 62515,
            appId: 1,
            occurredAt: Date.now(),
            attemptNumber: 0,
            subscriptionType: 'contact.propertyChange',
            objectId: 501,
            propertyName: 'lifecyclestage',
            propertyValue: 'customer',
          },
        ]);
        expect((await post('/webhooks/hubspot', body)).status).toBe(204);
        await receiver.waitFor((r) =>
          r.some((t) => (t.body.recipient as { crm: { objectId: string } }).crm.objectId === '501'),
        );
      });

      it('writes a postal_mail engagement back to the contact after delivery', async () => {
        await eventually(async () => (hubspot.postalMails.length > 0 ? true : undefined));
        expect(JSON.stringify(hubspot.postalMails[0])).toContain('501');
      });

      it('answers a workflow action BLOCK, then completes its callback when the trigger is delivered', async () => {
        const body = JSON.stringify({
          callbackId: 'ap-1-2-3-0',
          origin: { portalId: 62515, actionDefinitionId: 10646377, actionDefinitionVersion: 1 },
          context: { source: 'WORKFLOWS', workflowId: 192814114 },
          object: { objectId: 501, objectType: 'CONTACT', properties: {} },
          inputFields: { campaign: 'welcome-pack' },
        });
        const response = await post('/webhooks/hubspot/workflow-action', body);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ outputFields: { hs_execution_state: 'BLOCK' } });
        // Contact 501 already got the welcome pack: once per recipient means this one is skipped.
        const done = await eventually(async () =>
          hubspot.completedCallbacks.find((c) => JSON.stringify(c).includes('ap-1-2-3-0')),
        );
        expect(JSON.stringify(done)).toContain('FAIL_CONTINUE');
      });

      it('completes a workflow callback with SUCCESS for a piece that goes out', async () => {
        hubspot.addRecord('contact', '503', {
          firstname: 'Jonas',
          lastname: 'Weber',
          address: 'Ring 1',
          zip: '1010',
          city: 'Wien',
          country: 'AT',
        });
        const body = JSON.stringify({
          callbackId: 'ap-1-2-3-1',
          origin: { portalId: 62515, actionDefinitionId: 10646377 },
          object: { objectId: 503, objectType: 'CONTACT' },
          inputFields: { campaign: 'welcome-pack' },
        });
        expect((await post('/webhooks/hubspot/workflow-action', body)).status).toBe(200);
        await receiver.waitFor((r) =>
          r.some((t) => (t.body.recipient as { crm: { objectId: string } }).crm.objectId === '503'),
        );
        const done = await eventually(async () =>
          hubspot.completedCallbacks.find((c) => JSON.stringify(c).includes('ap-1-2-3-1')),
        );
        expect(JSON.stringify(done)).toContain('SUCCESS');
      });
    },
  );
}
