import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { campaignSchema } from './campaign.js';

// The documented example configuration, copied verbatim (test/fixtures/design-config.yaml).
const design = parse(readFileSync(new URL('../test/fixtures/design-config.yaml', import.meta.url), 'utf8'));
const [welcomePack, closedWonGift] = design.workspaces[0].campaigns;

describe('campaignSchema', () => {
  it('accepts the welcome-pack campaign of the documented example as written, defaults filled', () => {
    expect(campaignSchema.parse(welcomePack)).toEqual({
      id: 'welcome-pack',
      name: 'Welcome pack for new customers',
      enabled: true,
      destination: 'mailer',
      trigger: {
        platform: 'hubspot',
        object: 'contact',
        on: 'property_change',
        property: 'lifecyclestage',
        to: 'customer',
      },
      conditions: { all: [{ field: 'address.country', in: ['DE', 'AT', 'CH'] }] },
      recipient: 'contact',
      recipientSelect: 'primary',
      variables: { firstName: '{{ contact.firstname }}' },
      policy: { oncePerRecipient: true, cooldownDays: 45, dailyCap: 500, delay: 'P2D' },
    });
  });

  it('accepts the closed-won-gift campaign of the documented example as written, defaults filled', () => {
    expect(campaignSchema.parse(closedWonGift)).toEqual({
      id: 'closed-won-gift',
      name: 'Thank-you gift when an opportunity is won',
      enabled: true,
      destination: 'mailer',
      trigger: { platform: 'salesforce', object: 'opportunity', on: 'outbound_message' },
      conditions: { all: [{ field: 'StageName', equals: 'Closed Won' }] },
      recipient: 'associated_contact',
      recipientSelect: 'primary',
      variables: {},
      policy: { oncePerRecipient: true },
    });
  });

  it('reports every problem by path', () => {
    const result = campaignSchema.safeParse({
      id: 'x',
      destination: 'mailer',
      trigger: { platform: 'hubspot', object: 'contact', on: 'outbound_message', to: 'customer' },
      conditions: {
        all: [
          { field: 'address.street', equals: 'x' },
          { field: 'a', matches: '(' },
        ],
      },
      variables: { firstName: '{{ contact.firstname ' },
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(issues).toEqual(
      expect.arrayContaining([
        'trigger.on: outbound_message needs platform salesforce',
        'trigger.property: required when to or in is set',
        'conditions.all.0.field: "address.street": address fields are line1, line2, postalCode, city, region, country',
        'conditions.all.1.matches: not a valid regular expression',
        expect.stringMatching(/^variables\.firstName: output "{{ contact.firstname " not closed/),
      ]),
    );
  });

  it('reports a condition typo where it is, not as one "Invalid input"', () => {
    const result = campaignSchema.safeParse({
      id: 'x',
      destination: 'mailer',
      trigger: { platform: 'hubspot', object: 'contact', on: 'any' },
      conditions: {
        all: [{ field: 'country', equal: 'DE' }, { any: [{ not: { field: 'a', equals: 1, in: [1] } }] }],
      },
    });
    expect(result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'conditions.all.0: Unrecognized key: "equal"',
      'conditions.all.0: expected exactly one operator of equals, in, exists, contains, gt, lt, matches; got none',
      'conditions.all.1.any.0.not: expected exactly one operator of equals, in, exists, contains, gt, lt, matches; got equals, in',
    ]);
  });

  it('rejects a leaf with two operators', () => {
    const result = campaignSchema.safeParse({
      id: 'x',
      destination: 'mailer',
      trigger: { platform: 'hubspot', object: 'contact', on: 'any' },
      conditions: { field: 'a', equals: 1, gt: 0 },
    });
    expect(result.success).toBe(false);
  });

  it('reads recipient: { type: associated_contact, select } and refuses select elsewhere or unknown keys', () => {
    const base = {
      id: 'x',
      destination: 'mailer',
      trigger: { platform: 'salesforce', object: 'opportunity', on: 'any' },
    };
    const all = campaignSchema.parse({ ...base, recipient: { type: 'associated_contact', select: 'all' } });
    expect([all.recipient, all.recipientSelect]).toEqual(['associated_contact', 'all']);
    expect(campaignSchema.parse({ ...base, recipient: { type: 'company' } }).recipientSelect).toBe('primary');
    const misplaced = campaignSchema.safeParse({ ...base, recipient: { type: 'contact', select: 'all' } });
    expect(misplaced.success).toBe(false);
    expect(JSON.stringify(misplaced.error?.issues)).toContain(
      'select applies to recipient type associated_contact only',
    );
    expect(
      campaignSchema.safeParse({ ...base, recipient: { type: 'associated_contact', selct: 'all' } }).success,
    ).toBe(false);
    expect(
      campaignSchema.safeParse({ ...base, recipient: { type: 'associated_contact', select: 'some' } })
        .success,
    ).toBe(false);
  });
});
