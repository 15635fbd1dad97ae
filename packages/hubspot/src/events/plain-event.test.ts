import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCrmEvent } from './normalise.js';
import { isPlainWebhookEvent } from './plain-event.js';
import { hubSpotWebhookEventSchema } from './schema.js';

// Values of every kind a JSON field can hold, including the edges the schema cares about.
const anyValue = fc.oneof(
  fc.constantFrom(null, true, false, '', 0, -1, 1.5, 2 ** 53, 8.64e15, 8.64e15 + 1, [], {}),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.nat(),
  fc.double(),
  fc.array(fc.nat(), { maxLength: 3 }),
);
const FIELDS = [
  'eventId',
  'subscriptionId',
  'portalId',
  'appId',
  'occurredAt',
  'subscriptionType',
  'eventType',
  'attemptNumber',
  'objectId',
  'objectTypeId',
  'propertyName',
  'propertyValue',
  'changeSource',
  'isSensitive',
  'primaryObjectId',
  'mergedObjectIds',
  'associationTypeId',
  'associationRemoved',
  'fromObjectId',
  'toObjectId',
  'messageId',
  'unknownField',
  '__proto__',
];
const valid = {
  eventId: 1,
  subscriptionId: 25,
  portalId: 62515,
  occurredAt: 1_764_237_600_000,
  subscriptionType: 'contact.propertyChange',
  objectId: 123,
  propertyName: 'lifecyclestage',
  propertyValue: 'customer',
};

describe('isPlainWebhookEvent', () => {
  it('accepts only what the schema accepts, and the schema gives back the same event', () => {
    const mangled = fc
      .tuple(
        fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 4 }),
        fc.subarray(Object.keys(valid)),
      )
      .map(([changes, kept]) => ({
        ...Object.fromEntries(kept.map((k) => [k, valid[k as keyof typeof valid]])),
        ...changes,
      }));
    // Whole events with optional fields of the right types, edges included.
    const wellFormed = fc
      .record(
        {
          appId: fc.nat(),
          attemptNumber: fc.nat(),
          objectId: fc.maxSafeNat(),
          occurredAt: fc.integer({ min: 0, max: 8.64e15 }),
          propertyValue: fc.oneof(
            fc.string(),
            fc.integer(),
            fc.double({ noNaN: true }),
            fc.boolean(),
            fc.constant(null),
          ),
          changeSource: fc.string(),
          isSensitive: fc.boolean(),
          associationTypeId: fc.integer(),
        },
        { requiredKeys: [] },
      )
      .map((extra) => ({ ...valid, ...extra }));
    // Through JSON text, as a delivery arrives (a `__proto__` key becomes an own field).
    const item = fc
      .oneof(mangled, wellFormed)
      .map((candidate) => JSON.parse(JSON.stringify(candidate)) as unknown);
    let plain = 0;
    fc.assert(
      fc.property(item, (candidate) => {
        if (!isPlainWebhookEvent(candidate)) return;
        plain++;
        const parsed = hubSpotWebhookEventSchema.safeParse(candidate);
        expect(parsed.success).toBe(true);
        if (parsed.success) expect(toCrmEvent(candidate)).toEqual(toCrmEvent(parsed.data));
      }),
      { numRuns: 2_000 },
    );
    // The property says something only if the fast path was taken often enough.
    expect(plain).toBeGreaterThan(500);
  });

  it('takes the fast path for the events HubSpot sends (captured fixtures)', () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../test/fixtures/captured-contact-creation.json', import.meta.url), 'utf8'),
    ) as unknown[];
    expect(fixture.length).toBeGreaterThan(0);
    for (const event of fixture) expect(isPlainWebhookEvent(event)).toBe(true);
    expect(isPlainWebhookEvent(valid)).toBe(true);
  });

  it('leaves to the schema what it must explain: a missing id, a wrong type, an unknown field', () => {
    const { objectId: _, ...noObject } = valid;
    expect(isPlainWebhookEvent(noObject)).toBe(false);
    expect(isPlainWebhookEvent({ ...valid, portalId: '62515' })).toBe(false);
    expect(isPlainWebhookEvent({ ...valid, occurredAt: 8.64e15 + 1 })).toBe(false);
    expect(isPlainWebhookEvent({ ...valid, somethingNew: 1 })).toBe(false);
    expect(isPlainWebhookEvent([valid])).toBe(false);
  });
});
