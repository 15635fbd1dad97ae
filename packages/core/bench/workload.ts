import { type Campaign, type CampaignInput, campaignSchema } from '../src/campaign.js';
import type { CrmEvent } from '../src/event.js';
import type { EvaluationContext } from '../src/rules/context.js';

const STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
];
const COUNTRIES = ['DE', 'AT', 'CH', 'FR', 'GB', 'US', 'NL'];

/** 50 campaigns mixing every trigger kind and condition operator, like a busy workspace. */
export function benchCampaigns(): Campaign[] {
  const inputs: CampaignInput[] = [];
  for (let i = 0; i < 50; i++) {
    const stage = STAGES[i % STAGES.length]!;
    const conditions = {
      all: [
        { field: 'address.country', in: COUNTRIES.slice(0, 1 + (i % 4)) },
        {
          any: [
            { field: 'company.numberofemployees', gt: 10 * i },
            { field: 'jobtitle', matches: `^(CEO|CTO|Head of ${i})` },
          ],
        },
        { not: { field: 'hs_email_optout', equals: true } },
        { field: 'email', exists: true },
      ],
    };
    const trigger =
      i % 5 === 4
        ? { platform: 'salesforce' as const, object: 'opportunity', on: 'outbound_message' as const }
        : i % 5 === 3
          ? { platform: 'hubspot' as const, object: 'contact', on: 'created' as const }
          : {
              platform: 'hubspot' as const,
              object: i % 2 === 0 ? 'contact' : 'deal',
              on: 'property_change' as const,
              property: i % 2 === 0 ? 'lifecyclestage' : 'dealstage',
              ...(i % 3 === 0 ? { in: [stage, 'evangelist'] } : { to: i % 2 === 0 ? stage : 'closedwon' }),
            };
    const sfConditions = {
      all: [
        { field: 'StageName', equals: 'Closed Won' },
        { field: 'Amount', gt: 1000 * i },
      ],
    };
    inputs.push({
      id: `campaign-${i}`,
      destination: 'mailer',
      trigger,
      conditions: trigger.platform === 'salesforce' ? sfConditions : conditions,
      variables: { firstName: '{{ contact.firstname }}' },
    });
  }
  return inputs.map((input) => campaignSchema.parse(input));
}

/** Deterministic events (HubSpot changes and creations, Salesforce outbound messages) with enriched context. */
export function benchEvents(count: number): { event: CrmEvent; context: EvaluationContext }[] {
  const out: { event: CrmEvent; context: EvaluationContext }[] = [];
  for (let i = 0; i < count; i++) {
    const country = COUNTRIES[i % COUNTRIES.length]!;
    const context: EvaluationContext = {
      records: {
        contact: {
          firstname: 'Erika',
          email: `p${i}@example.com`,
          jobtitle: i % 3 === 0 ? 'CEO' : 'Engineer',
          hs_email_optout: 'false',
        },
        company: { name: 'ACME GmbH', numberofemployees: String(i % 500) },
      },
      recipient: {
        crm: { platform: 'hubspot', objectType: 'contact', objectId: String(i) },
        firstName: 'Erika',
        lastName: 'Mustermann',
        company: 'ACME GmbH',
        address: {
          line1: 'Heidestraße 17',
          line2: null,
          postalCode: '51147',
          city: 'Köln',
          region: null,
          country,
        },
      },
    };
    const base = {
      id: `evt_${i}`,
      accountId: '62515',
      externalId: `x${i}`,
      objectId: String(i),
      occurredAt: '2026-11-27T10:00:00.000Z',
    };
    let event: CrmEvent;
    if (i % 10 === 9) {
      event = {
        ...base,
        platform: 'salesforce',
        objectType: 'opportunity',
        kind: 'updated',
        properties: { StageName: i % 20 === 19 ? 'Closed Won' : 'Negotiation', Amount: (i % 100) * 1000 },
        source: { channel: 'outbound_message' },
      };
    } else if (i % 10 === 8) {
      event = { ...base, platform: 'hubspot', objectType: 'contact', kind: 'created' };
    } else {
      const deal = i % 2 === 1;
      event = {
        ...base,
        platform: 'hubspot',
        objectType: deal ? 'deal' : 'contact',
        kind: 'updated',
        changes: deal
          ? { dealstage: { value: 'closedwon' } }
          : { lifecyclestage: { value: STAGES[i % STAGES.length]! } },
      };
    }
    out.push({ event, context });
  }
  return out;
}
