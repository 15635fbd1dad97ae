import { type Campaign, type CrmEvent, evaluateCampaigns, failedTrigger } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workspaceSchema } from '../config/schema.js';
import { triggerPass, uncachedTriggerPass } from './trigger-shapes.js';

const PROPERTIES = ['lifecyclestage', 'custom_1', 'custom_2', 'country', 'Amount'];
const VALUES = ['customer', 'lead', 'yes', 'no', 5000, '5000', true, null];

const trigger = fc.oneof(
  fc.record({
    platform: fc.constantFrom('hubspot', 'salesforce'),
    object: fc.constantFrom('contact', 'Deal', 'company'),
    on: fc.constant('property_change'),
    property: fc.constantFrom(...PROPERTIES),
    to: fc.option(fc.constantFrom(...VALUES.filter((v) => v !== null)), { nil: undefined }),
  }),
  fc.record({
    platform: fc.constantFrom('hubspot', 'salesforce'),
    object: fc.constantFrom('contact', 'deal'),
    on: fc.constantFrom('created', 'deleted', 'any'),
  }),
  fc.record({
    platform: fc.constant('salesforce'),
    object: fc.constantFrom('contact', 'lead'),
    on: fc.constant('outbound_message'),
  }),
);

const campaignList = fc
  .array(fc.record({ trigger, enabled: fc.boolean() }), { minLength: 8, maxLength: 16 })
  .map(
    (drawn) =>
      workspaceSchema.parse({
        id: 'acme',
        destinations: { mailer: { type: 'log' } },
        campaigns: drawn.map(({ trigger, enabled }, i) => ({
          id: `c${i}`,
          enabled,
          destination: 'mailer',
          trigger: Object.fromEntries(Object.entries(trigger).filter(([, v]) => v !== undefined)),
        })),
      }).campaigns as Campaign[],
  );

const values = fc.record(
  { lifecyclestage: fc.constantFrom(...VALUES), custom_1: fc.constantFrom(...VALUES) },
  { requiredKeys: [] },
);

const event: fc.Arbitrary<CrmEvent> = fc
  .record({
    platform: fc.constantFrom('hubspot', 'salesforce') as fc.Arbitrary<CrmEvent['platform']>,
    objectType: fc.constantFrom('contact', 'contact', 'deal', 'Contact', 'lead'),
    kind: fc.constantFrom(
      'updated',
      'updated',
      'updated',
      'created',
      'deleted',
      'privacy_deleted',
    ) as fc.Arbitrary<CrmEvent['kind']>,
    // Few keys, in a fixed order: events of one shape (the same keys) come often.
    changes: fc.option(values, { nil: undefined }),
    properties: fc.option(values, { nil: undefined }),
    channel: fc.option(fc.constantFrom('webhook', 'outbound_message'), { nil: undefined }),
  })
  .map(({ changes, properties, channel, ...rest }) => ({
    id: 'e1',
    accountId: '1',
    externalId: 'x1',
    objectId: '7',
    occurredAt: '2026-01-01T00:00:00.000Z',
    ...rest,
    ...(changes
      ? { changes: Object.fromEntries(Object.entries(changes).map(([k, value]) => [k, { value }])) }
      : {}),
    ...(properties ? { properties } : {}),
    ...(channel ? { source: { channel } } : {}),
  }));

describe('trigger shapes', () => {
  it('property: the remembered shapes give every campaign the decision evaluating its clause gives, for any events', () => {
    fc.assert(
      fc.property(campaignList, fc.array(event, { minLength: 1, maxLength: 60 }), (campaigns, events) => {
        for (const e of events) {
          const expected = evaluateCampaigns(e, { records: {} }, campaigns);
          for (const pass of [triggerPass(e, campaigns), uncachedTriggerPass(e, campaigns)])
            expected.forEach((decision, i) => {
              const quiet = pass[i];
              expect(quiet === undefined).toBe(!failedTrigger(decision));
              if (quiet) expect(quiet).toEqual({ campaign: campaigns[i], decision });
            });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('evaluates only the campaigns an event of a known shape may fire', () => {
    const campaigns = workspaceSchema.parse({
      id: 'acme',
      destinations: { mailer: { type: 'log' } },
      // Enough campaigns for the shapes to be kept (a handful are evaluated every time).
      campaigns: ['lifecyclestage', 'custom_1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map((property, i) => ({
        id: `c${i}`,
        destination: 'mailer',
        trigger: { platform: 'hubspot', object: 'contact', on: 'property_change', property, to: 'customer' },
      })),
    }).campaigns as Campaign[];
    const at = (value: string): CrmEvent => ({
      id: value,
      platform: 'hubspot',
      accountId: '1',
      externalId: value,
      objectType: 'contact',
      objectId: '7',
      kind: 'updated',
      occurredAt: '2026-01-01T00:00:00.000Z',
      changes: { lifecyclestage: { value } },
    });
    const first = triggerPass(at('lead'), campaigns);
    const second = triggerPass(at('customer'), campaigns);
    // The custom_1 campaign's verdict is the same shared object; the lifecycle one is decided by the value.
    expect(second[1]).toBe(first[1]);
    expect(first[0]?.decision).toMatchObject({ outcome: 'no_match', clause: 'trigger.value' });
    expect(second[0]).toBeUndefined();
  });
});
