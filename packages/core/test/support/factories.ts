import type { Recipient } from '../../src/address.js';
import { type Campaign, type CampaignInput, campaignSchema } from '../../src/campaign.js';
import type { CrmEvent } from '../../src/event.js';

/** A HubSpot contact.propertyChange as the hubspot normaliser emits it (docs sample batch, portal 33). */
export function hubspotChange(overrides: Partial<CrmEvent> = {}): CrmEvent {
  return {
    id: 'evt_hs_3816279340',
    platform: 'hubspot',
    accountId: '33',
    externalId: '33:25:1246965:3816279340',
    objectType: 'contact',
    objectId: '1246965',
    kind: 'updated',
    changes: { lifecyclestage: { value: 'customer' } },
    occurredAt: '2016-05-02T19:11:47.945Z',
    source: { subscriptionType: 'contact.propertyChange', changeSource: 'ACADEMY' },
    ...overrides,
  };
}

/** A Salesforce outbound message for an Opportunity: full snapshot, kind updated. */
export function salesforceOutbound(
  properties: CrmEvent['properties'] = {},
  overrides: Partial<CrmEvent> = {},
): CrmEvent {
  return {
    id: 'evt_sf_04lo0000000xxxxxxx',
    platform: 'salesforce',
    accountId: '00D5e000000KQ2eEAG',
    externalId: '04lo0000000xxxxxxx',
    objectType: 'opportunity',
    objectId: '0065e00000AbCdEAAV',
    kind: 'updated',
    properties: {
      Id: '0065e00000AbCdEAAV',
      Name: 'ACME renewal',
      StageName: 'Closed Won',
      Amount: 25000,
      ...properties,
    },
    occurredAt: '2026-11-27T10:00:00.000Z',
    source: { channel: 'outbound_message', actionId: '04ko0000000xxxxxxx' },
    ...overrides,
  };
}

export function campaign(input: Partial<CampaignInput> & Pick<CampaignInput, 'trigger'>): Campaign {
  return campaignSchema.parse({ id: 'test', destination: 'mailer', ...input });
}

export function erika(overrides: Partial<Recipient> = {}): Recipient {
  return {
    crm: { platform: 'hubspot', objectType: 'contact', objectId: '1246965' },
    firstName: 'Erika',
    lastName: 'Mustermann',
    company: 'ACME GmbH',
    email: 'erika@example.com',
    address: {
      line1: 'Heidestraße 17',
      line2: null,
      postalCode: '51147',
      city: 'Köln',
      region: null,
      country: 'DE',
    },
    ...overrides,
  };
}
