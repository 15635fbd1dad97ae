import { type Campaign, campaignSchema } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SALESFORCE_ADDRESS_FIELDS, salesforceFieldsFor } from './fields.js';

const OBJECTS = ['contact', 'lead', 'account', 'opportunity'] as const;
const apiName = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}(__c)?$/);

const campaignArb: fc.Arbitrary<Campaign> = fc
  .record({
    object: fc.constantFrom(...OBJECTS),
    recipient: fc.constantFrom('contact', 'associated_contact', 'company'),
    bare: fc.array(apiName, { maxLength: 3 }),
    typed: fc.array(fc.tuple(fc.constantFrom('contact', 'company', 'opportunity'), apiName), {
      maxLength: 3,
    }),
    variables: fc.array(fc.tuple(fc.constantFrom('contact', 'account'), apiName), { maxLength: 2 }),
  })
  .map(({ object, recipient, bare, typed, variables }) =>
    campaignSchema.parse({
      id: 'generated',
      destination: 'mailer',
      recipient,
      trigger: { platform: 'salesforce', object, on: 'outbound_message' },
      conditions: {
        all: [
          ...bare.map((field) => ({ field, exists: true })),
          ...typed.map(([type, field]) => ({ field: `${type}.${field}`, exists: true })),
          { field: 'address.country', in: ['DE'] },
        ],
      },
      variables: Object.fromEntries(variables.map(([type, field], i) => [`v${i}`, `{{ ${type}.${field} }}`])),
    }),
  );

/** The objects a campaign's recipient record is read from (a Lead, or the Contact a converted Lead became). */
const recipientObjects = (c: Campaign) =>
  c.recipient === 'company' ? ['account'] : c.trigger.object === 'lead' ? ['lead', 'contact'] : ['contact'];

describe('salesforceFieldsFor', () => {
  it('requests every field a campaign names, on the object that holds it, and the opt-out field on each recipient object', () => {
    fc.assert(
      fc.property(
        fc.array(campaignArb, { minLength: 1, maxLength: 3 }),
        apiName,
        (campaigns, optOutField) => {
          const fields = salesforceFieldsFor(campaigns, { optOutField });
          for (const campaign of campaigns) {
            for (const type of recipientObjects(campaign)) expect(fields[type]).toContain(optOutField);
            const leaves =
              'all' in (campaign.conditions ?? {})
                ? (campaign.conditions as { all: { field: string }[] }).all
                : [];
            for (const { field } of leaves) {
              const [head, name] = field.split('.') as [string, string | undefined];
              if (head === 'address') continue;
              if (name === undefined) expect(fields[campaign.trigger.object]).toContain(head);
              else expect(fields[head === 'company' ? 'account' : head]).toContain(name);
            }
            for (const template of Object.values(campaign.variables)) {
              const [, type = '', name = ''] = /\{\{ (\w+)\.(\w+)/.exec(template) ?? [];
              expect(fields[type]).toContain(name);
            }
          }
          // A Lead read always tells whether and into which Contact it was converted.
          expect(fields.lead).toEqual(expect.arrayContaining(['IsConverted', 'ConvertedContactId']));
          // Every address field is always read; nothing Salesforce cannot read (paths, computed fields) is asked for.
          for (const [type, base] of Object.entries(SALESFORCE_ADDRESS_FIELDS))
            expect(fields[type]).toEqual(expect.arrayContaining([...base]));
          for (const list of Object.values(fields)) for (const f of list) expect(f).toMatch(/^[A-Za-z]\w*$/);
          expect(fields.company).toBeUndefined();
        },
      ),
    );
  });

  it('reads the opt-out field of an Opportunity campaign from its associated contact (the issue-10 case)', () => {
    const campaign = campaignSchema.parse({
      id: 'closed-won-gift',
      destination: 'mailer',
      recipient: 'associated_contact',
      trigger: { platform: 'salesforce', object: 'opportunity', on: 'outbound_message' },
      conditions: { field: 'StageName', equals: 'Closed Won' },
    });
    const fields = salesforceFieldsFor([campaign], { optOutField: 'Do_Not_Mail__c' });
    expect(fields.contact).toContain('Do_Not_Mail__c');
    expect(fields.opportunity).toContain('StageName');
    expect(fields.account).not.toContain('Do_Not_Mail__c');
  });
});
