import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkflowAction } from '../workflow/parse.js';
import { parseWebhookBatch } from './parse.js';

const id = fc.integer({ min: 0, max: 2 ** 40 });
/** Up to the year 2100: the range a real `occurredAt` has. */
const occurredAt = fc.integer({ min: 0, max: 4_102_444_800_000 });
const webhookEvent = fc.record({
  eventId: id,
  subscriptionId: id,
  portalId: id,
  objectId: id,
  occurredAt,
  subscriptionType: fc.constantFrom('contact.propertyChange', 'contact.creation', 'deal.propertyChange'),
  propertyName: fc.option(fc.constantFrom('city', 'lifecyclestage'), { nil: undefined }),
  propertyValue: fc.string({ maxLength: 10 }),
});
const idOf = (event: object) => parseWebhookBatch(JSON.stringify([event]))[0]?.id;

describe('event ids of HubSpot webhooks', () => {
  it('give a retry the same id: another attempt, another position in the batch, another value', () => {
    fc.assert(
      fc.property(webhookEvent, webhookEvent, fc.nat(10), fc.string(), (event, other, attempt, value) => {
        const first = parseWebhookBatch(JSON.stringify([{ ...event, attemptNumber: 0 }]))[0]?.id;
        const retry = parseWebhookBatch(
          JSON.stringify([other, { ...event, attemptNumber: attempt, propertyValue: value }]),
        )[1]?.id;
        expect(first).toBeDefined();
        expect(retry).toBe(first);
      }),
    );
  });

  it('sort by occurredAt (time-local primary key)', () => {
    fc.assert(
      fc.property(webhookEvent, webhookEvent, (a, b) => {
        fc.pre(a.occurredAt !== b.occurredAt);
        expect((idOf(a) as string) < (idOf(b) as string)).toBe(a.occurredAt < b.occurredAt);
      }),
    );
  });
});

describe('event ids of HubSpot workflow actions', () => {
  it('give a retry the same id whenever it is received (no time: the plain hash id)', () => {
    const body = JSON.stringify({
      callbackId: 'ap-102670506-56776413549-7-0',
      origin: { portalId: 102670506, actionDefinitionId: 10646377, actionDefinitionVersion: 1 },
      object: { objectId: 904, properties: {}, objectType: 'CONTACT' },
      inputFields: {},
    });
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true }), (a, b) => {
        const first = parseWorkflowAction(body, { receivedAt: a }).event.id;
        expect(parseWorkflowAction(body, { receivedAt: b }).event.id).toBe(first);
        expect(first).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
      }),
    );
  });
});
