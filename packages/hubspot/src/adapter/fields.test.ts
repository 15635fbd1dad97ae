import { type Campaign, campaignSchema } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HUBSPOT_ADDRESS_PROPERTIES, hubspotFieldsFor } from './fields.js';

const TYPES = ['contact', 'company', 'deal'] as const;
const property = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);

const campaignArb: fc.Arbitrary<Campaign> = fc
  .record({
    object: fc.constantFrom(...TYPES),
    watched: property,
    recipient: fc.constantFrom('contact', 'associated_contact', 'company'),
    bare: fc.array(property, { maxLength: 3 }),
    typed: fc.array(fc.tuple(fc.constantFrom(...TYPES), property), { maxLength: 3 }),
  })
  .map(({ object, watched, recipient, bare, typed }) =>
    campaignSchema.parse({
      id: 'generated',
      destination: 'mailer',
      recipient,
      trigger: { platform: 'hubspot', object, on: 'property_change', property: watched },
      conditions: {
        any: [...bare, ...typed.map(([t, p]) => `${t}.${p}`)].map((field) => ({ field, exists: true })),
      },
      variables: Object.fromEntries(typed.map(([t, p], i) => [`v${i}`, `{{ ${t}.${p} }}`])),
    }),
  );

describe('hubspotFieldsFor', () => {
  it('requests the trigger property, every condition and variable property and the opt-out property', () => {
    fc.assert(
      fc.property(
        fc.array(campaignArb, { minLength: 1, maxLength: 3 }),
        property,
        (campaigns, optOutProperty) => {
          const fields = hubspotFieldsFor(campaigns, { optOutProperty });
          expect(fields.contact).toContain(optOutProperty);
          if (campaigns.some((c) => c.recipient === 'company'))
            expect(fields.company).toContain(optOutProperty);
          for (const campaign of campaigns) {
            expect(fields[campaign.trigger.object]).toContain(campaign.trigger.property);
            const leaves = (campaign.conditions as { any: { field: string }[] }).any;
            for (const { field } of leaves) {
              const [head, name] = field.split('.') as [string, string | undefined];
              // A bare property is read from whichever record the rules fall back to: every type.
              if (name === undefined) for (const type of TYPES) expect(fields[type]).toContain(head);
              else expect(fields[head]).toContain(name);
            }
          }
          for (const [type, base] of Object.entries(HUBSPOT_ADDRESS_PROPERTIES))
            expect(fields[type]).toEqual(expect.arrayContaining([...base]));
        },
      ),
    );
  });
});
