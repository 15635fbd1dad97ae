import { Signature } from '@hubspot/api-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhookBatch } from '../events/parse.js';
import { verifySignature } from '../signature/verify.js';
import { HUBSPOT_SUBSCRIPTION_TYPES, simulateHubSpotWebhook, simulateWorkflowAction } from './simulate.js';

const signing = { clientSecret: 'sim-secret', publicUrl: 'https://hooks.example.com/' };

const verify = (
  request: { path: string; body: string; headers: Record<string, string> },
  secret = 'sim-secret',
) =>
  verifySignature({
    method: 'POST',
    url: `https://hooks.example.com${request.path}`,
    rawBody: Buffer.from(request.body),
    headers: request.headers,
    clientSecrets: [secret],
    allowLegacy: false,
  });

describe('simulateHubSpotWebhook', () => {
  it('builds, for every subscription type and object id, a delivery the receiver verifies and understands', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HUBSPOT_SUBSCRIPTION_TYPES),
        fc.constantFrom('contact', 'company', 'deal', 'ticket', '2-12345'),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (subscriptionType, objectType, objectId) => {
          const request = simulateHubSpotWebhook({
            ...signing,
            subscriptionType,
            objectType,
            portalId: 62515,
            objectId,
          });
          expect(verify(request)).toMatchObject({ ok: true, version: 'v3' });
          expect(verify(request, 'other-secret').ok).toBe(false);
          const [event] = parseWebhookBatch(request.body);
          expect(request.eventIds).toEqual([event?.id]);
          expect(event?.kind).not.toBe('unknown');
          expect(event?.accountId).toBe('62515');
          if (subscriptionType.startsWith('object.'))
            expect(event?.objectType).toBe(objectType === '2-12345' ? '2-12345' : objectType);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("signs exactly as HubSpot's own SDK computes v3 (test oracle)", () => {
    const now = Date.now();
    const request = simulateHubSpotWebhook({
      ...signing,
      now,
      subscriptionType: 'deal.propertyChange',
      portalId: 1,
      objectId: 9,
    });
    const expected = Signature.getSignature('POST', 'v3', {
      signature: '',
      clientSecret: 'sim-secret',
      url: 'https://hooks.example.com/webhooks/hubspot',
      requestBody: request.body,
      timestamp: now,
    });
    expect(request.headers['x-hubspot-signature-v3']).toBe(expected);
  });

  it('refuses an unknown type or a non-numeric id with a message naming it', () => {
    expect(() =>
      simulateHubSpotWebhook({ ...signing, subscriptionType: 'contact.teleport', portalId: 1, objectId: 1 }),
    ).toThrow(/unknown subscription type "contact.teleport"/);
    expect(() =>
      simulateHubSpotWebhook({
        ...signing,
        subscriptionType: 'contact.creation',
        portalId: 1,
        objectId: 'abc',
      }),
    ).toThrow(/objectId must be a HubSpot id/);
  });
});

describe('simulateWorkflowAction', () => {
  it('builds a verified execution for the action route carrying the campaign', () => {
    const request = simulateWorkflowAction({
      ...signing,
      portalId: 62515,
      objectId: 101,
      campaign: 'welcome-pack',
    });
    expect(request.path).toBe('/webhooks/hubspot/workflow-action');
    expect(verify(request).ok).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({
      inputFields: { campaign: 'welcome-pack' },
      object: { objectType: 'CONTACT' },
    });
    expect(request.eventIds[0]).toMatch(/^evt_/);
  });
});
