import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { type FakeSalesforce, startFakeSalesforce } from '@hookpost/salesforce/testing';
import { createAdminApi } from '../../src/api/router.js';
import { ADMIN_TOKEN, hubspotBatch, ORG_ID, PUBLIC_URL, postHubSpot, SF_TOKEN } from './api-client.js';
import { eventually, HUBSPOT_SECRET, startTestConnector, TEST_SECRET } from './connector.js';
import { type FakeMailPlatform, type FakePiece, startFakeMailPlatform } from './fake-mail-platform.js';

const CLIENT_ID = '3MVG9fake.consumer.key';
const USERNAME = 'integration@acme.example';
export const SF_CONTACT = '003xx0000000077AAA';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export function mailBackConfig(urls: {
  hubspot: string;
  salesforce: string;
  keyFile: string;
  platform: FakeMailPlatform;
}) {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${urls.hubspot} }
workspaces:
  - id: acme
    hubspot: { portalId: 62515, accessToken: test-token, writeBack: true }
    salesforce:
      organizationId: ${ORG_ID}
      endpointToken: ${SF_TOKEN}
      instanceUrl: ${urls.salesforce}
      loginUrl: ${urls.salesforce}
      auth: { type: jwt, clientId: ${CLIENT_ID}, username: ${USERNAME}, privateKeyFile: ${urls.keyFile} }
      writeBack: true
    destinations:
      mailer:
        type: webhook
        url: ${urls.platform.triggersUrl}
        secret: ${TEST_SECRET}
        cancelUrl: ${urls.platform.cancelUrl}
        timeout: PT2S
        retry: { initialDelay: PT0.1S, maxDelay: PT0.5S, maxAge: PT1M }
    mailStatus: { addressCorrections: true }
    campaigns:
      - id: welcome-pack
        name: Welcome pack
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
      - id: win-back
        name: Win-back letter
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: hs_lead_status, to: reactivate }
      - id: sf-welcome
        name: Salesforce welcome
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: outbound_message }
`;
}

/** A German contact for the fake HubSpot: each test uses its own id. */
export const germanContact = (street = 'Heidestraße 17') => ({
  firstname: 'Erika',
  lastname: 'Mustermann',
  address: street,
  zip: '51147',
  city: 'Köln',
  country: 'Germany',
  lifecyclestage: 'customer',
});

export interface MailBackWorld {
  hubspot: FakeHubSpot;
  salesforce: FakeSalesforce;
  platform: FakeMailPlatform;
  connector: Awaited<ReturnType<typeof startTestConnector>>;
  configText: string;
  /** A HubSpot property change for a contact, through the real webhook endpoint. */
  change(objectId: number, property: string, value: string): Promise<{ status: number; ids: string[] }>;
  /** Sends the change that qualifies a contact for `welcome-pack` and waits for the piece at the platform. */
  mailContact(objectId: number): Promise<string>;
  trigger(id: string): Promise<Record<string, unknown>>;
  /** `GET /api/triggers/:id` through the admin API. */
  api(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** Fake HubSpot, Salesforce and mail platform, and a connector between them, on real ports. */
export async function startMailBackWorld(databaseUrl: string): Promise<MailBackWorld> {
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    return await startWorld(databaseUrl, started);
  } catch (error) {
    // A half-started world must not leave servers behind.
    await Promise.allSettled(started.map((s) => s.close()));
    throw error;
  }
}

async function startWorld(
  databaseUrl: string,
  started: Array<{ close(): Promise<void> }>,
): Promise<MailBackWorld> {
  const hubspot = await startFakeHubSpot();
  started.push(hubspot);
  const salesforce = await startFakeSalesforce({
    publicKey,
    clientId: CLIENT_ID,
    username: USERNAME,
    organizationId: ORG_ID,
    records: {
      Contact: [
        {
          Id: SF_CONTACT,
          FirstName: 'Max',
          LastName: 'Muster',
          MailingStreet: 'Hauptstraße 5',
          MailingCity: 'Dresden',
          MailingState: null,
          MailingPostalCode: '01067',
          MailingCountry: 'Germany',
        },
      ],
    },
  });
  started.push(salesforce);
  const platform = await startFakeMailPlatform(TEST_SECRET);
  started.push(platform);
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-key-')), 'sf.key');
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  const configText = mailBackConfig({ hubspot: hubspot.url, salesforce: salesforce.url, keyFile, platform });
  const connector = await startTestConnector(configText, {
    databaseUrl,
    api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
  });
  platform.reportTo(`${connector.baseUrl}/webhooks/mail/mailer`);
  const db = connector.handle.db;
  const world: MailBackWorld = {
    hubspot,
    salesforce,
    platform,
    connector,
    configText,
    async change(objectId, property, value) {
      const batch = hubspotBatch([{ objectId, propertyName: property, propertyValue: value }]);
      return { status: await postHubSpot(connector.baseUrl, batch.body), ids: batch.ids };
    },
    async mailContact(objectId) {
      const before = new Set(platform.pieces.keys());
      expect204((await world.change(objectId, 'lifecyclestage', 'customer')).status);
      const forContact = (piece: FakePiece) =>
        (piece.body.recipient as { crm: { objectId: string } }).crm.objectId === String(objectId);
      const id = await eventually(
        async () =>
          [...platform.pieces.values()].find((p) => !before.has(p.triggerId) && forContact(p))?.triggerId,
      );
      // Delivered on our side too (the platform answered 202).
      await eventually(async () => ((await world.trigger(id)).status === 'delivered' ? true : undefined));
      return id;
    },
    async trigger(id) {
      return (await db
        .selectFrom('triggers')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()) as never;
    },
    async api(pathname) {
      const response = await fetch(`${connector.baseUrl}/api${pathname}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      await connector.stop();
      await Promise.all([platform.close(), hubspot.close(), salesforce.close()]);
    },
  };
  return world;
}

function expect204(status: number) {
  if (status !== 204) throw new Error(`HubSpot delivery answered ${status}`);
}
