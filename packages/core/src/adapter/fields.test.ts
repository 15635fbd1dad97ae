import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Campaign, type Condition, campaignSchema } from '../campaign.js';
import { conditionFields, fieldsNamedBy, isFlagSet, mergeFields } from './fields.js';

const TYPES = ['contact', 'company', 'deal', 'lead', 'account', 'opportunity'] as const;
const fieldName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/);
const typed = fc.tuple(fc.constantFrom(...TYPES), fieldName);
const computed = fc.constantFrom('address.country', 'address.city', 'recipient.firstName');

/** A leaf on a typed field (`deal.amount`), a bare field (`StageName`) or a computed one (`address.country`). */
const leaf = fc.oneof(
  typed.map(([type, name]) => ({ field: `${type}.${name}`, exists: true })),
  fieldName.map((name) => ({ field: name, exists: true })),
  computed.map((field) => ({ field, exists: true })),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('node'), { maxLength: 3 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

const campaignArb: fc.Arbitrary<Campaign> = fc
  .record({
    object: fc.constantFrom(...TYPES),
    property: fc.option(fieldName, { nil: undefined }),
    conditions: fc.option(condition, { nil: undefined }),
    variables: fc.array(typed, { maxLength: 3 }),
  })
  .map(({ object, property, conditions, variables }) =>
    campaignSchema.parse({
      id: 'generated',
      destination: 'mailer',
      trigger: { platform: 'hubspot', object, on: 'any', ...(property ? { property } : {}) },
      ...(conditions ? { conditions } : {}),
      variables: Object.fromEntries(
        variables.map(([type, name], i) => [`v${i}`, `{{ ${type}.${name} | upcase }}`]),
      ),
    }),
  );

describe('fieldsNamedBy', () => {
  it('lists every record field a campaign names, by object type, and no computed field', () => {
    fc.assert(
      fc.property(fc.array(campaignArb, { minLength: 1, maxLength: 3 }), (campaigns) => {
        const named = fieldsNamedBy(campaigns);
        for (const campaign of campaigns) {
          const { object, property } = campaign.trigger;
          if (property) expect(named.byObject[object]).toContain(property);
          for (const field of conditionFields(campaign.conditions)) {
            const [head, rest] = field.split('.', 2) as [string, string | undefined];
            if (head === 'address' || head === 'recipient') continue;
            if (rest !== undefined && /^[a-z]/.test(head)) expect(named.byObject[head]).toContain(rest);
            else expect(named.bare).toContain(field);
          }
          for (const template of Object.values(campaign.variables)) {
            const [, type = '', name = ''] = /\{\{ (\w+)\.(\w+)/.exec(template) ?? [];
            expect(named.byObject[type]).toContain(name);
          }
        }
        expect(Object.keys(named.byObject)).not.toContain('address');
        expect(Object.keys(named.byObject)).not.toContain('recipient');
      }),
    );
  });

  it('keeps a Salesforce relationship path such as Account.Name as a bare field', () => {
    const campaign = campaignSchema.parse({
      id: 'c',
      destination: 'd',
      trigger: { platform: 'salesforce', object: 'contact', on: 'any' },
      conditions: { field: 'Account.Name', exists: true },
    });
    expect(fieldsNamedBy([campaign]).bare).toEqual(['Account.Name']);
  });
});

describe('mergeFields and isFlagSet', () => {
  it('merges without duplicates, first occurrence first', () => {
    expect(mergeFields({ contact: ['a', 'b'] }, { contact: ['b', 'c'], deal: ['x'] })).toEqual({
      contact: ['a', 'b', 'c'],
      deal: ['x'],
    });
  });

  it('reads CRM checkbox values as set or not', () => {
    for (const set of [true, 'true', 'TRUE', ' yes ', '1', 'on']) expect(isFlagSet(set)).toBe(true);
    for (const unset of [false, 'false', '0', '', null, undefined, 1]) expect(isFlagSet(unset)).toBe(false);
  });
});
