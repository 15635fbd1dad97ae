import type { CrmEvent } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { eventAsSurvivor } from './merges.js';

const lead: CrmEvent = {
  id: 'evt_1',
  platform: 'salesforce',
  accountId: '00D5e000000KQ2eEAG',
  externalId: '04l5e000001XyZaAAK',
  objectType: 'lead',
  objectId: '00Q5e000001AbCdEAK',
  kind: 'updated',
  occurredAt: '2026-11-30T10:00:00.000Z',
  source: { channel: 'outbound_message' },
};

describe('eventAsSurvivor', () => {
  it('reads an event of a converted Lead as its Contact, keeping what it carried', () => {
    const mapped = eventAsSurvivor(lead, 'salesforce:contact:0035e000002XyZaAAK');
    expect(mapped).toMatchObject({
      objectType: 'contact',
      objectId: '0035e000002XyZaAAK',
      source: { channel: 'outbound_message', mergedFrom: lead.objectId, mergedFromType: 'lead' },
    });
  });

  it('changes only the id within one object type, and nothing without a survivor', () => {
    const contact = { ...lead, objectType: 'contact', objectId: '5101', platform: 'hubspot' };
    const mapped = eventAsSurvivor(contact, 'hubspot:contact:5104');
    expect(mapped).toMatchObject({ objectType: 'contact', objectId: '5104', source: { mergedFrom: '5101' } });
    expect(mapped.source).not.toHaveProperty('mergedFromType');
    expect(eventAsSurvivor(contact, undefined)).toBe(contact);
  });
});
