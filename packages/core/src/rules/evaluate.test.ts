import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaign, erika, hubspotChange, salesforceOutbound } from '../../test/support/factories.js';
import type { Condition } from '../campaign.js';
import type { CrmEvent } from '../event.js';
import type { EvaluationContext } from './context.js';
import { createEvaluator, evaluateCampaigns } from './evaluate.js';

const welcome = campaign({
  id: 'welcome-pack',
  trigger: {
    platform: 'hubspot',
    object: 'contact',
    on: 'property_change',
    property: 'lifecyclestage',
    to: 'customer',
  },
  conditions: { all: [{ field: 'address.country', in: ['DE', 'AT', 'CH'] }] },
});
const noContext: EvaluationContext = { records: {} };

function reason(event: CrmEvent, context: EvaluationContext, c = welcome) {
  const [decision] = evaluateCampaigns(event, context, [c]);
  return decision?.reason;
}

describe('evaluateCampaigns — trigger clauses', () => {
  it('matches the example welcome pack for a German customer', () => {
    expect(evaluateCampaigns(hubspotChange(), { records: {}, recipient: erika() }, [welcome])).toEqual([
      { campaignId: 'welcome-pack', outcome: 'matched', reason: null },
    ]);
  });

  it('explains platform', () => {
    expect(reason(salesforceOutbound(), noContext)).toBe(
      'trigger.platform: expected "hubspot", got "salesforce"',
    );
  });

  it('explains object', () => {
    expect(reason(hubspotChange({ objectType: 'company' }), noContext)).toBe(
      'trigger.object: expected "contact", got "company"',
    );
  });

  it('explains on for every trigger kind', () => {
    const on = (value: 'created' | 'deleted' | 'property_change' | 'outbound_message', event: CrmEvent) =>
      reason(
        event,
        noContext,
        campaign({
          trigger: {
            platform: event.platform,
            object: event.objectType,
            on: value,
            ...(value === 'property_change' ? { property: 'lifecyclestage' } : {}),
          },
        }),
      );
    expect(on('created', hubspotChange())).toBe('trigger.on: expected kind "created", got "updated"');
    expect(on('property_change', hubspotChange({ kind: 'created' }))).toBe(
      'trigger.on: expected kind "updated" (property_change), got "created"',
    );
    expect(on('deleted', hubspotChange())).toBe(
      'trigger.on: expected kind "deleted" or "privacy_deleted", got "updated"',
    );
    expect(on('deleted', hubspotChange({ kind: 'privacy_deleted' }))).toBeNull();
    expect(on('outbound_message', salesforceOutbound({}, { source: { channel: 'cdc' } }))).toBe(
      'trigger.on: expected a Salesforce outbound message, got channel "cdc"',
    );
    expect(on('outbound_message', salesforceOutbound({}, { source: {}, kind: 'created' }))).toBe(
      'trigger.on: expected a Salesforce outbound message, got kind "created" without a record snapshot',
    );
    // No channel recorded: an updated event with a snapshot is an outbound message.
    expect(on('outbound_message', salesforceOutbound({}, { source: {} }))).toBeNull();
  });

  it('on: any matches every kind', () => {
    const any = campaign({ trigger: { platform: 'hubspot', object: 'contact', on: 'any' } });
    for (const kind of ['created', 'updated', 'deleted', 'merged', 'unknown'] as const) {
      expect(reason(hubspotChange({ kind }), noContext, any)).toBeNull();
    }
  });

  it('explains property', () => {
    expect(
      reason(hubspotChange({ changes: { email: { value: 'a@b.de' }, phone: { value: '1' } } }), noContext),
    ).toBe('trigger.property: expected a change to "lifecyclestage", got changes to [email, phone]');
    expect(reason(hubspotChange({ changes: undefined as never }), noContext)).toBe(
      'trigger.property: expected a change to "lifecyclestage", got no changes',
    );
  });

  it('explains to, comparing HubSpot strings sensibly', () => {
    expect(reason(hubspotChange({ changes: { lifecyclestage: { value: 'lead' } } }), noContext)).toBe(
      'trigger.to: expected "customer", got "lead"',
    );
    const byNumber = campaign({
      trigger: { platform: 'hubspot', object: 'deal', on: 'property_change', property: 'amount', to: 5000 },
    });
    const deal = hubspotChange({ objectType: 'deal', changes: { amount: { value: '5000' } } });
    expect(reason(deal, noContext, byNumber)).toBeNull();
    expect(reason({ ...deal, changes: { amount: { value: '4000.5' } } }, noContext, byNumber)).toBe(
      'trigger.to: expected 5000, got "4000.5"',
    );
    // Reasons are cached per value; a number and its text must still read differently.
    expect(reason({ ...deal, changes: { amount: { value: 4000.5 } } }, noContext, byNumber)).toBe(
      'trigger.to: expected 5000, got 4000.5',
    );
  });

  it('explains in', () => {
    const lifecycle = campaign({
      trigger: {
        platform: 'hubspot',
        object: 'contact',
        on: 'property_change',
        property: 'lifecyclestage',
        in: ['customer', 'evangelist'],
      },
    });
    expect(
      reason(hubspotChange({ changes: { lifecyclestage: { value: 'evangelist' } } }), noContext, lifecycle),
    ).toBe(null);
    expect(
      reason(hubspotChange({ changes: { lifecyclestage: { value: 'lead' } } }), noContext, lifecycle),
    ).toBe('trigger.in: expected one of [customer, evangelist], got "lead"');
  });

  it('reads a Salesforce outbound-message snapshot for property_change', () => {
    const won = campaign({
      trigger: {
        platform: 'salesforce',
        object: 'opportunity',
        on: 'property_change',
        property: 'StageName',
        to: 'Closed Won',
      },
    });
    expect(reason(salesforceOutbound(), noContext, won)).toBeNull();
    expect(reason(salesforceOutbound({ StageName: 'Prospecting' }), noContext, won)).toBe(
      'trigger.to: expected "Closed Won", got "Prospecting"',
    );
    const missing = salesforceOutbound();
    const { StageName: _, ...rest } = missing.properties ?? {};
    expect(reason({ ...missing, properties: rest }, noContext, won)).toBe(
      'trigger.property: expected "StageName" in the record snapshot, got [Id, Name, Amount]',
    );
  });

  it('on created with a property reads the created record', () => {
    const created = campaign({
      trigger: {
        platform: 'hubspot',
        object: 'contact',
        on: 'created',
        property: 'lifecyclestage',
        to: 'customer',
      },
    });
    const event = hubspotChange({ kind: 'created', changes: undefined as never });
    expect(reason(event, { records: { contact: { lifecyclestage: 'customer' } } }, created)).toBeNull();
    expect(reason(event, noContext, created)).toBe(
      'trigger.property: expected "lifecyclestage" on the event\'s record',
    );
  });

  it('skips a disabled campaign with a reason', () => {
    const off = campaign({ enabled: false, trigger: { platform: 'hubspot', object: 'contact', on: 'any' } });
    expect(evaluateCampaigns(hubspotChange(), noContext, [off])).toEqual([
      { campaignId: 'test', outcome: 'skipped', reason: 'disabled' },
    ]);
  });
});

describe('evaluateCampaigns — conditions', () => {
  const anyContact = { platform: 'hubspot', object: 'contact', on: 'any' } as const;
  const check = (conditions: Condition, context: EvaluationContext, event: CrmEvent = hubspotChange()) =>
    reason(event, context, campaign({ trigger: anyContact, conditions }));
  const contact = (record: Record<string, string | number | null>): EvaluationContext => ({
    records: { contact: record },
    recipient: erika(),
  });

  it('explains in over the normalised address', () => {
    const french = erika({
      address: { ...erika().address, country: 'FR', postalCode: '75008', city: 'Paris' },
    });
    expect(reason(hubspotChange(), { records: {}, recipient: french })).toBe(
      'conditions.all[0]: address.country expected one of [DE, AT, CH], got "FR"',
    );
    expect(reason(hubspotChange(), { records: {} })).toBe(
      'conditions.all[0]: address.country expected one of [DE, AT, CH], got no value',
    );
  });

  it('explains equals (strings vs numbers, booleans as text)', () => {
    expect(check({ field: 'jobtitle', equals: 'CEO' }, contact({ jobtitle: 'CTO' }))).toBe(
      'conditions: jobtitle expected "CEO", got "CTO"',
    );
    expect(check({ field: 'num_employees', equals: 50 }, contact({ num_employees: '50' }))).toBeNull();
    expect(check({ field: 'hs_is_vip', equals: true }, contact({ hs_is_vip: 'true' }))).toBeNull();
    expect(check({ field: 'hs_is_vip', equals: true }, contact({ hs_is_vip: 'false' }))).toBe(
      'conditions: hs_is_vip expected true, got "false"',
    );
  });

  it('explains exists', () => {
    expect(check({ field: 'email', exists: true }, contact({ email: '' }))).toBe(
      'conditions: email expected to exist, got ""',
    );
    expect(check({ field: 'email', exists: true }, contact({}))).toBe(
      'conditions: email expected to exist, got no value',
    );
    expect(check({ field: 'do_not_mail', exists: false }, contact({ do_not_mail: 'yes' }))).toBe(
      'conditions: do_not_mail expected not to exist, got "yes"',
    );
    expect(check({ field: 'do_not_mail', exists: false }, contact({ do_not_mail: null }))).toBeNull();
  });

  it('explains contains', () => {
    expect(check({ field: 'jobtitle', contains: 'Chief' }, contact({ jobtitle: 'Head of Sales' }))).toBe(
      'conditions: jobtitle expected to contain "Chief", got "Head of Sales"',
    );
    expect(
      check({ field: 'jobtitle', contains: 'Chief' }, contact({ jobtitle: 'Chief Executive' })),
    ).toBeNull();
  });

  it('explains gt and lt over numbers sent as strings', () => {
    expect(check({ field: 'deal.amount', gt: 1000 }, { records: { deal: { amount: '500' } } })).toBe(
      'conditions: deal.amount expected > 1000, got "500"',
    );
    expect(
      check({ field: 'deal.amount', gt: 1000 }, { records: { deal: { amount: '1500.50' } } }),
    ).toBeNull();
    expect(check({ field: 'deal.amount', lt: '1000' }, { records: { deal: { amount: 5000 } } })).toBe(
      'conditions: deal.amount expected < 1000, got 5000',
    );
    expect(check({ field: 'deal.amount', lt: 1000 }, { records: { deal: { amount: 'n/a' } } })).toBe(
      'conditions: deal.amount expected < 1000, got "n/a" (not a number)',
    );
  });

  it('compares dates: HubSpot epoch milliseconds against an ISO operand', () => {
    const since = { field: 'createdate', gt: '2026-01-01T00:00:00Z' };
    expect(check(since, contact({ createdate: String(Date.parse('2026-03-01T00:00:00Z')) }))).toBeNull();
    expect(check(since, contact({ createdate: '2025-12-31T23:00:00Z' }))).toBe(
      'conditions: createdate expected > "2026-01-01T00:00:00Z", got "2025-12-31T23:00:00Z"',
    );
  });

  it('explains matches', () => {
    expect(
      check({ field: 'email', matches: '@acme\\.(de|com)$' }, contact({ email: 'erika@example.com' })),
    ).toBe('conditions: email expected to match /@acme\\.(de|com)$/, got "erika@example.com"');
  });

  it('explains all: the first failing member', () => {
    const all: Condition = {
      all: [
        { field: 'address.country', equals: 'DE' },
        { field: 'jobtitle', exists: true },
      ],
    };
    expect(check(all, contact({}))).toBe('conditions.all[1]: jobtitle expected to exist, got no value');
  });

  it('explains any: every member that failed', () => {
    const any: Condition = {
      any: [
        { field: 'jobtitle', equals: 'CEO' },
        { field: 'company.numberofemployees', gt: 50 },
      ],
    };
    const context = { records: { contact: { jobtitle: 'CTO' }, company: { numberofemployees: '10' } } };
    expect(check(any, context)).toBe(
      'conditions.any: none matched (conditions.any[0]: jobtitle expected "CEO", got "CTO"; ' +
        'conditions.any[1]: company.numberofemployees expected > 50, got "10")',
    );
  });

  it('explains not, for a leaf and for a group', () => {
    expect(check({ not: { field: 'address.country', equals: 'DE' } }, contact({}))).toBe(
      'conditions.not: expected not (address.country equals "DE"), got "DE"',
    );
    expect(check({ not: { all: [{ field: 'address.country', equals: 'DE' }] } }, contact({}))).toBe(
      'conditions.not: expected not (all of 1 conditions), but it held',
    );
    expect(check({ not: { field: 'address.country', equals: 'FR' } }, contact({}))).toBeNull();
  });

  it('resolves a bare field from the event record first, then the recipient record', () => {
    const event = hubspotChange({ objectType: 'deal', changes: { dealstage: { value: 'closedwon' } } });
    const deal = campaign({
      trigger: { platform: 'hubspot', object: 'deal', on: 'any' },
      conditions: { field: 'dealstage', equals: 'closedwon' },
    });
    expect(reason(event, noContext, deal)).toBeNull();
    const fromContact = campaign({
      trigger: { platform: 'hubspot', object: 'deal', on: 'any' },
      conditions: { field: 'firstname', equals: 'Erika' },
    });
    expect(reason(event, { records: { contact: { firstname: 'Erika' } } }, fromContact)).toBeNull();
    const fromCompany = campaign({
      recipient: 'company',
      trigger: { platform: 'hubspot', object: 'deal', on: 'any' },
      conditions: { field: 'name', equals: 'ACME GmbH' },
    });
    expect(reason(event, { records: { company: { name: 'ACME GmbH' } } }, fromCompany)).toBeNull();
  });

  it('reads objectType paths from records, and the event record for its own type', () => {
    const event = salesforceOutbound();
    const c = campaign({
      trigger: { platform: 'salesforce', object: 'opportunity', on: 'outbound_message' },
      conditions: {
        all: [
          { field: 'opportunity.StageName', equals: 'Closed Won' },
          { field: 'account.Industry', equals: 'Manufacturing' },
          { field: 'Account.Name', exists: false },
        ],
      },
    });
    expect(reason(event, { records: { account: { Industry: 'Manufacturing' } } }, c)).toBeNull();
    expect(reason(event, { records: { account: { Industry: 'Retail' } } }, c)).toBe(
      'conditions.all[1]: account.Industry expected "Manufacturing", got "Retail"',
    );
  });

  it('does not read inherited properties', () => {
    expect(check({ field: 'constructor', exists: true }, contact({}))).toBe(
      'conditions: constructor expected to exist, got no value',
    );
  });
});

describe('createEvaluator', () => {
  it('returns one decision per campaign, in order', () => {
    const evaluate = createEvaluator([
      welcome,
      campaign({
        id: 'gift',
        trigger: { platform: 'salesforce', object: 'opportunity', on: 'outbound_message' },
      }),
    ]);
    expect(evaluate(hubspotChange(), { records: {}, recipient: erika() }).map((d) => d.outcome)).toEqual([
      'matched',
      'no_match',
    ]);
  });
});

describe('evaluateCampaigns — reasons built once per evaluation', () => {
  const key = fc.constantFrom(
    'a',
    'b',
    'lifecyclestage',
    'city',
    'k1',
    'k2',
    'k3',
    'k4',
    'k5',
    'k6',
    'k7',
    'k8',
  );
  const listed = (keys: string[]) =>
    keys.length > 10 ? `[${keys.slice(0, 10).join(', ')}, …]` : `[${keys.join(', ')}]`;

  it('property: every campaign on another property names the event’s changes as built afresh', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(key, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(key, { minLength: 1, maxLength: 6 }),
        (changeSets, watched) => {
          const campaigns = watched.map((property) =>
            campaign({
              id: `on-${property}`,
              trigger: { platform: 'hubspot', object: 'contact', on: 'property_change', property },
            }),
          );
          // One event object changed between evaluations: each evaluation reads it anew.
          const event = hubspotChange();
          for (const keys of changeSets) {
            event.changes = Object.fromEntries(keys.map((k) => [k, { value: 'x' }]));
            const decisions = evaluateCampaigns(event, noContext, campaigns);
            watched.forEach((property, i) => {
              expect(decisions[i]?.reason).toBe(
                keys.includes(property)
                  ? null
                  : `trigger.property: expected a change to "${property}", got changes to ${listed(keys)}`,
              );
            });
          }
        },
      ),
    );
  });

  it('property: a Salesforce snapshot without the property lists its keys as built afresh', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(key, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        (snapshots) => {
          const watched = campaign({
            trigger: {
              platform: 'salesforce',
              object: 'opportunity',
              on: 'property_change',
              property: 'Zzz',
            },
          });
          for (const keys of snapshots) {
            const event = salesforceOutbound(Object.fromEntries(keys.map((k) => [k, 'x'])));
            const expected = `trigger.property: expected "Zzz" in the record snapshot, got ${listed(Object.keys(event.properties ?? {}))}`;
            for (const decision of evaluateCampaigns(event, noContext, [watched, watched]))
              expect(decision.reason).toBe(expected);
          }
        },
      ),
    );
  });
});
