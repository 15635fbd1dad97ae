import { generateKeyPairSync } from 'node:crypto';
import type { CrmEvent } from '@hookpost/core';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutboundMessageMiddleware,
  createSalesforceClient,
  createTokenResolver,
  toCrmEvents,
} from '../src/index.js';
import { buildOutboundMessage, type FakeSalesforce, startFakeSalesforce } from '../src/testing/index.js';

// Mirrors the example in README.md, against the fake Salesforce instead of a real org.
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('README example', () => {
  let fake: FakeSalesforce;
  beforeAll(async () => {
    fake = await startFakeSalesforce({
      publicKey,
      records: { Contact: [{ Id: '0035e00000AbCdEAAV', FirstName: 'Erika', MailingCity: 'Köln' }] },
    });
  });
  afterAll(() => fake.close());

  it('receives an outbound message, stores its events, then enriches through the client', async () => {
    const inbox: { workspaceId: string; events: CrmEvent[] }[] = [];
    const env = { SF_CLIENT_ID: '3MVG9example', ACME_SF_ENDPOINT_TOKEN: 'b7f1c2d9e04a' };

    // --- README example starts ---
    const salesforce = createSalesforceClient({
      instanceUrl: fake.url, // https://acme.my.salesforce.com
      loginUrl: fake.url, // default https://login.salesforce.com
      auth: { type: 'jwt', clientId: env.SF_CLIENT_ID, username: 'integration@acme.example', privateKey },
    });

    const app = express();
    app.post(
      '/webhooks/salesforce/:token',
      createOutboundMessageMiddleware({
        resolveToken: createTokenResolver([
          {
            workspaceId: 'acme',
            organizationId: '00D5e000000KQ2eEAG',
            endpointToken: env.ACME_SF_ENDPOINT_TOKEN,
          },
        ]),
        // Salesforce gets <Ack>true</Ack> only after this resolves; a throw answers 503 and it retries.
        onNotifications: async (message, { workspaceId }) => {
          inbox.push({ workspaceId, events: toCrmEvents(message) });
        },
      }),
    );

    // Later, in the worker (after the Ack): re-read authoritative data.
    const enrich = (ids: string[]) => salesforce.fetchRecords('Contact', ids, ['FirstName', 'MailingCity']);
    // --- README example ends ---

    const xml = buildOutboundMessage({
      organizationId: '00D5e000000KQ2e',
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000001XyZaAAK',
          objectType: 'Contact',
          fields: { Id: '0035e00000AbCdEAAV', LastName: 'Mustermann' },
        },
      ],
    });
    const response = await request(app)
      .post('/webhooks/salesforce/b7f1c2d9e04a')
      .set('content-type', 'text/xml')
      .send(xml);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<Ack>true</Ack>');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.events[0]).toMatchObject({
      objectType: 'contact',
      objectId: '0035e00000AbCdEAAV',
      accountId: '00D5e000000KQ2eEAG',
    });
    const records = await enrich(inbox[0]!.events.map((e) => e.objectId));
    expect(records.get('0035e00000AbCdEAAV')).toEqual({ FirstName: 'Erika', MailingCity: 'Köln' });
  });
});
