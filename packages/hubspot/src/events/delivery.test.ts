import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhookDelivery } from './parse.js';

const base = {
  eventId: 100,
  subscriptionId: 25,
  portalId: 62515,
  appId: 54321,
  occurredAt: 1_764_237_600_000,
  attemptNumber: 0,
};
const creation = (objectId: unknown) => ({ ...base, subscriptionType: 'contact.creation', objectId });

describe('parseWebhookDelivery — partial batches', () => {
  it('keeps every readable item and returns each unreadable one with its raw JSON and the problem', () => {
    const items = [creation(1), creation('62515'), creation(3), { ...base, objectId: 4 }];
    const { events, malformed } = parseWebhookDelivery(JSON.stringify(items));
    expect(events.map((e) => e.objectId)).toEqual(['1', '3']);
    expect(malformed).toHaveLength(2);
    expect(malformed[0]).toMatchObject({
      raw: JSON.stringify(items[1]),
      error: '[1].objectId: expected a number',
      accountId: '62515',
      objectType: 'contact',
      objectId: '62515',
    });
    expect(malformed[1]?.error).toMatch(/^\[3\]\.subscriptionType: expected subscriptionType or eventType/);
    expect(malformed[0]?.externalId).toMatch(/^malformed:[0-9a-f]{64}$/);
  });

  it('gives a retried bad item the same external id, and different items different ids', () => {
    const once = parseWebhookDelivery(JSON.stringify([creation('x')])).malformed[0];
    const again = parseWebhookDelivery(JSON.stringify([creation(1), creation('x')])).malformed[0];
    const other = parseWebhookDelivery(JSON.stringify([creation('y')])).malformed[0];
    expect(again?.externalId).toBe(once?.externalId);
    expect(other?.externalId).not.toBe(once?.externalId);
  });

  it('never throws for any array of ≤ 100 JSON values: each is an event or a malformed item', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.jsonValue(), fc.constant(creation(7))), { maxLength: 100 }),
        (items) => {
          const { events, malformed } = parseWebhookDelivery(JSON.stringify(items));
          expect(events.length + malformed.length).toBe(items.length);
        },
      ),
    );
  });
});

describe('parseWebhookDelivery — associations', () => {
  const link = (extra: Record<string, unknown>) => ({
    ...base,
    subscriptionType: 'contact.associationChange',
    associationType: 'CONTACT_TO_COMPANY',
    fromObjectId: 7,
    toObjectId: 9,
    associationRemoved: false,
    ...extra,
  });

  it('types a generic object.associationChange from fromObjectTypeId; custom objects as given', () => {
    const generic = (fromObjectTypeId: string) => ({
      ...base,
      subscriptionType: 'object.associationChange',
      fromObjectTypeId,
      toObjectTypeId: '0-2',
      fromObjectId: 7,
      toObjectId: 9,
      associationTypeId: 1,
      associationRemoved: false,
    });
    const { events } = parseWebhookDelivery(
      JSON.stringify(['0-1', '0-2', '0-3', '0-5', '2-3456'].map(generic)),
    );
    expect(events.map((e) => e.objectType)).toEqual(['contact', 'company', 'deal', 'ticket', '2-3456']);
    expect(events.every((e) => e.kind === 'association_changed' && e.objectId === '7')).toBe(true);
  });

  it('keeps links that share an event id apart: target, type and removal are part of the id', () => {
    const { events } = parseWebhookDelivery(
      JSON.stringify([
        link({}),
        link({ toObjectId: 10 }),
        link({ associationRemoved: true }),
        link({ associationType: 'CONTACT_TO_DEAL' }),
        link({ fromObjectId: 9, toObjectId: 7, associationType: 'COMPANY_TO_CONTACT' }),
      ]),
    );
    expect(new Set(events.map((e) => e.externalId)).size).toBe(5);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    // A retry of the same link is still the same event.
    const [retry] = parseWebhookDelivery(JSON.stringify([link({ attemptNumber: 2 })])).events;
    expect(retry?.id).toBe(events[0]?.id);
  });

  it('treats prototype names in the input as plain data', () => {
    const { events } = parseWebhookDelivery(
      JSON.stringify([
        { ...base, subscriptionType: 'contact.toString', objectId: 1 },
        { ...base, subscriptionType: 'object.creation', objectTypeId: 'constructor', objectId: 2 },
      ]),
    );
    expect(events[0]?.kind).toBe('unknown');
    expect(events[1]?.objectType).toBe('constructor');
  });
});
