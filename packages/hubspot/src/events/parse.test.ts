import { readFileSync } from 'node:fs';
import { crmEventSchema } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { HookpostHubSpotError } from '../errors.js';
import { parseWebhookBatch } from './parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8');

const base = {
  eventId: 100,
  subscriptionId: 25,
  portalId: 62515,
  appId: 54321,
  occurredAt: 1_764_237_600_000,
  attemptNumber: 0,
  objectId: 123,
};
const parseOne = (event: Record<string, unknown>) => {
  const [parsed] = parseWebhookBatch(JSON.stringify([{ ...base, ...event }]));
  return parsed!;
};

describe('parseWebhookBatch — fixtures', () => {
  it('parses a captured contact.creation delivery', () => {
    const [event] = parseWebhookBatch(fixture('captured-contact-creation.json'));
    expect(event).toMatchObject({
      platform: 'hubspot',
      accountId: '49547190',
      objectType: 'contact',
      objectId: '106314056576',
      kind: 'created',
      occurredAt: '2025-03-15T22:17:53.905Z',
      externalId: '49547190:3329277:106314056576:3400564480:1742077073905:',
      source: {
        channel: 'webhook',
        subscriptionType: 'contact.creation',
        changeFlag: 'CREATED',
        sourceId: '9393361',
        appId: 9393361,
      },
    });
    // `evt_` + occurredAt in base 36 (10 characters) + 16 of the key's SHA-256.
    expect(event!.id).toMatch(/^evt_00m8arpl2p[A-Za-z0-9_-]{16}$/);
  });

  it('parses a captured object.propertyChange through objectTypeId', () => {
    const [event] = parseWebhookBatch(fixture('captured-object-propertyChange.json'));
    expect(event).toMatchObject({
      objectType: 'contact',
      kind: 'updated',
      changes: { email: { value: '<redacted>' } },
      source: { objectTypeId: '0-1', changeSource: 'CRM_UI', isSensitive: false },
    });
  });

  it('parses the documented batch keyed by eventType', () => {
    const events = parseWebhookBatch(fixture('docs-batch-eventType.json'));
    expect(events.map((event) => [event.kind, event.objectId, event.accountId])).toEqual([
      ['updated', '1246965', '33'],
      ['created', '1246978', '33'],
    ]);
    expect(events[0]!.changes).toEqual({ lifecyclestage: { value: 'subscriber' } });
    expect(events[0]!.source).toMatchObject({ subscriptionType: 'contact.propertyChange' });
  });

  it('parses the signature example body and every result satisfies the core schema', () => {
    for (const name of [
      'captured-contact-creation.json',
      'captured-object-propertyChange.json',
      'docs-batch-eventType.json',
      'signature-example-body.json',
    ]) {
      for (const event of parseWebhookBatch(Buffer.from(fixture(name))))
        expect(crmEventSchema.parse(event)).toEqual(event);
    }
  });
});

const objects = ['contact', 'company', 'deal', 'ticket', 'product', 'line_item'] as const;
const actions = [
  ['creation', 'created'],
  ['deletion', 'deleted'],
  ['propertyChange', 'updated'],
  ['merge', 'merged'],
  ['restore', 'restored'],
  ['associationChange', 'association_changed'],
] as const;

describe('parseWebhookBatch — every subscription type', () => {
  const table = objects.flatMap((object) =>
    actions.map(([action, kind]) => ({ type: `${object}.${action}`, object, kind })),
  );
  it.each(table)('$type → $object / $kind', ({ type, object, kind }) => {
    const event = parseOne({ subscriptionType: type, propertyName: 'dealstage', propertyValue: 'closedwon' });
    expect(event).toMatchObject({ objectType: object, kind, objectId: '123' });
    if (kind === 'updated') expect(event.changes).toEqual({ dealstage: { value: 'closedwon' } });
    else expect(event.changes).toBeUndefined();
  });

  it.each([
    ['0-1', 'contact'],
    ['0-2', 'company'],
    ['0-3', 'deal'],
    ['0-5', 'ticket'],
    ['0-7', 'product'],
    ['0-8', 'line_item'],
    ['2-1234567', '2-1234567'],
  ])('object.creation with objectTypeId %s → %s', (objectTypeId, objectType) => {
    expect(parseOne({ subscriptionType: 'object.creation', objectTypeId })).toMatchObject({
      objectType,
      kind: 'created',
    });
  });

  it.each(actions)('object.%s maps to %s', (action, kind) => {
    expect(parseOne({ subscriptionType: `object.${action}`, objectTypeId: '0-3' })).toMatchObject({
      objectType: 'deal',
      kind,
    });
  });

  it('maps contact.privacyDeletion to privacy_deleted', () => {
    expect(parseOne({ subscriptionType: 'contact.privacyDeletion' })).toMatchObject({
      objectType: 'contact',
      kind: 'privacy_deleted',
    });
  });

  it.each([
    ['conversation.creation', 'created'],
    ['conversation.deletion', 'deleted'],
    ['conversation.privacyDeletion', 'privacy_deleted'],
    ['conversation.propertyChange', 'updated'],
    ['conversation.newMessage', 'unknown'],
  ])('%s → conversation / %s', (type, kind) => {
    const event = parseOne({ subscriptionType: type, messageId: 'm-1', messageType: 'MESSAGE' });
    expect(event).toMatchObject({ objectType: 'conversation', kind, source: { messageId: 'm-1' } });
  });

  it('accepts eventType in place of subscriptionType', () => {
    expect(parseOne({ eventType: 'deal.deletion' })).toMatchObject({
      objectType: 'deal',
      kind: 'deleted',
      source: { subscriptionType: 'deal.deletion' },
    });
  });

  it('keeps unknown types as kind unknown', () => {
    expect(parseOne({ subscriptionType: 'quote.approval' })).toMatchObject({
      objectType: 'quote',
      kind: 'unknown',
    });
    expect(parseOne({ subscriptionType: 'mystery' })).toMatchObject({
      objectType: 'mystery',
      kind: 'unknown',
    });
  });

  it('keeps merge and association detail, with ids as strings', () => {
    const merged = parseOne({
      subscriptionType: 'contact.merge',
      primaryObjectId: 123,
      mergedObjectIds: [124, 125],
      newObjectId: 126,
    });
    expect(merged.source).toMatchObject({
      primaryObjectId: '123',
      mergedObjectIds: ['124', '125'],
      newObjectId: '126',
    });
    const { objectId: _omit, ...withoutObjectId } = base;
    const [association] = parseWebhookBatch(
      JSON.stringify([
        {
          ...withoutObjectId,
          subscriptionType: 'contact.associationChange',
          associationType: 'CONTACT_TO_COMPANY',
          fromObjectId: 7,
          toObjectId: 9,
          associationRemoved: false,
        },
      ]),
    );
    expect(association).toMatchObject({
      objectId: '7',
      kind: 'association_changed',
      source: {
        associationType: 'CONTACT_TO_COMPANY',
        fromObjectId: '7',
        toObjectId: '9',
        associationRemoved: false,
      },
    });
  });
});

describe('parseWebhookBatch — identity', () => {
  it('gives a retry (higher attemptNumber) the same id and externalId', () => {
    const first = parseOne({ subscriptionType: 'contact.creation', attemptNumber: 0 });
    const retry = parseOne({ subscriptionType: 'contact.creation', attemptNumber: 3 });
    expect(retry.id).toBe(first.id);
    expect(retry.externalId).toBe(first.externalId);
    expect(retry.source).toMatchObject({ attemptNumber: 3 });
  });

  it('separates events differing only by property name or portal', () => {
    const a = parseOne({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'city',
      propertyValue: 'Köln',
    });
    const b = parseOne({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'zip',
      propertyValue: '51147',
    });
    const c = parseOne({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'city',
      propertyValue: 'Köln',
      portalId: 1,
    });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });
});

describe('parseWebhookBatch — malformed deliveries', () => {
  const expectMalformed = (body: string, message: RegExp) => {
    try {
      parseWebhookBatch(body);
      expect.unreachable('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(HookpostHubSpotError);
      expect(error).toMatchObject({ code: 'malformed_payload', status: 400 });
      expect((error as Error).message).toMatch(message);
    }
  };

  it('names invalid JSON, a non-array and an oversized batch', () => {
    expectMalformed('[{"eventId":', /not valid JSON/);
    expectMalformed('{"eventId":1}', /expected a JSON array of events/);
    expectMalformed(
      JSON.stringify(Array.from({ length: 101 }, () => ({ ...base, subscriptionType: 'contact.creation' }))),
      /at most 100 events, got 101/,
    );
  });

  it('names the field and position of wrong types and missing fields', () => {
    expectMalformed(
      JSON.stringify([
        { ...base, subscriptionType: 'contact.creation' },
        { ...base, portalId: '62515', subscriptionType: 'contact.creation' },
      ]),
      /\[1\]\.portalId: expected a number/,
    );
    const { eventId: _omit, ...noEventId } = base;
    expectMalformed(
      JSON.stringify([{ ...noEventId, subscriptionType: 'contact.creation' }]),
      /\[0\]\.eventId: required/,
    );
    expectMalformed(
      JSON.stringify([base]),
      /\[0\]\.subscriptionType: expected subscriptionType or eventType/,
    );
  });
});

describe('parseWebhookBatch — hostile values are data or a 400, never a crash', () => {
  it('refuses an occurredAt past the last valid Date (8.64e15 .. 2^53) with a 400 naming the field', () => {
    for (const occurredAt of [8.64e15 + 1, 2 ** 53 - 1]) {
      expect(() => parseOne({ occurredAt, subscriptionType: 'contact.creation' })).toThrow(
        /occurredAt: expected Unix milliseconds up to/,
      );
    }
    expect(parseOne({ occurredAt: 8.64e15, subscriptionType: 'contact.creation' }).occurredAt).toBe(
      '+275760-09-13T00:00:00.000Z',
    );
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'keeps a subscriptionType or objectTypeId named %s as plain text',
    (name) => {
      const action = parseOne({ subscriptionType: `contact.${name}` });
      expect(action.kind).toBe('unknown');
      const generic = parseOne({ subscriptionType: 'object.creation', objectTypeId: name });
      expect(generic.objectType).toBe(name);
      expect(crmEventSchema.safeParse(generic).success).toBe(true);
      const prefix = parseOne({ subscriptionType: `${name}.creation` });
      expect(prefix.objectType).toBe(name);
    },
  );

  it('refuses bodies nested deeper than 64 levels without parsing them', () => {
    const deep = `[${'['.repeat(100)}${']'.repeat(100)}]`;
    expect(() => parseWebhookBatch(deep)).toThrow(/nested deeper than 64 levels/);
    expect(() =>
      parseWebhookBatch('["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]'),
    ).toThrow(/expected a object/);
  });
});
