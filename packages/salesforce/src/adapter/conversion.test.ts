import type { CrmEvent } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { changeEventToCrmEvents } from '../cdc/map.js';
import { buildOutboundMessage } from '../outbound/build.js';
import { createSalesforceAdapter } from './adapter.js';
import { conversionOf, convertedContactOf } from './conversion.js';

const adapter = createSalesforceAdapter({ readPrivateKey: () => '' });
const ORG = '00D5e000000KQ2eEAG';
const LEAD = '00Q5e000001AbCdEAK';
const CONTACT = '0035e000002XyZaAAK';

const [outbound] =
  adapter.parseSample?.(
    buildOutboundMessage({
      organizationId: ORG,
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000001XyZaAAK',
          objectType: 'Lead',
          fields: { Id: LEAD, IsConverted: 'true', ConvertedContactId: CONTACT },
        },
      ],
    }),
  ) ?? [];

// The LeadChangeEvent of a conversion, as the CDC guide's example shows it.
const [cdc] = changeEventToCrmEvents(
  {
    ChangeEventHeader: {
      entityName: 'Lead',
      recordIds: [LEAD],
      changeType: 'UPDATE',
      transactionKey: 'tx-1',
      sequenceNumber: 4,
      commitTimestamp: 1_796_444_400_000,
      changedFields: ['Status', 'IsConverted', 'ConvertedDate', 'ConvertedAccountId', 'ConvertedContactId'],
    },
    Status: 'Closed - Converted',
    IsConverted: true,
    ConvertedDate: '2026-11-30',
    ConvertedAccountId: '0015e000003QwErAAK',
    ConvertedContactId: CONTACT,
  },
  { organizationId: ORG, replayId: 7 },
);

describe('Lead conversion', () => {
  it('reads the conversion from an outbound message (strings) and a LeadChangeEvent (booleans)', () => {
    for (const event of [outbound, cdc]) {
      if (!event) throw new Error('no event');
      expect(conversionOf(event)).toBe(CONTACT);
      expect(adapter.survivorOf(event)).toBe(CONTACT);
      expect(adapter.survivorTypeOf?.(event)).toBe('contact');
      expect(adapter.mergedIdsOf?.(event)).toEqual([LEAD]);
    }
  });

  it('is no conversion while IsConverted is false, without a contact id, or on another object', () => {
    expect(convertedContactOf({ IsConverted: 'false', ConvertedContactId: CONTACT })).toBeUndefined();
    expect(convertedContactOf({ IsConverted: true, ConvertedContactId: null })).toBeUndefined();
    const contact = { ...(outbound as CrmEvent), objectType: 'contact' };
    expect(conversionOf(contact)).toBeUndefined();
    expect(adapter.survivorTypeOf?.(contact)).toBe('contact');
    expect(adapter.mergedIdsOf?.(contact)).toEqual([]);
    const plain = { ...(outbound as CrmEvent), properties: { Id: LEAD, IsConverted: 'false' } };
    expect(adapter.survivorOf(plain)).toBe(LEAD);
    expect(adapter.survivorTypeOf?.(plain)).toBe('lead');
  });

  it('reads a converted Lead as the Contact it became for its recipient', async () => {
    const records: Record<string, Record<string, string>> = {
      [`lead:${LEAD}`]: {
        Id: LEAD,
        LastName: 'Mustermann',
        IsConverted: 'true',
        ConvertedContactId: CONTACT,
      },
      [`contact:${CONTACT}`]: { Id: CONTACT, LastName: 'Mustermann', MailingCountry: 'Germany' },
    };
    const reader = {
      fetchRecords: async (type: string, ids: string[]) =>
        new Map(
          ids.flatMap((id) => {
            const record = records[`${type}:${id}`];
            return record ? [[id, record] as const] : [];
          }),
        ),
      fetchAssociations: async () => new Map<string, string[]>(),
    };
    const event = { ...(outbound as CrmEvent), properties: { Id: LEAD, LastName: 'Mustermann' } };
    const enrichment = await adapter.resolve(event, new Set(['contact']), {
      reader,
      fields: adapter.fieldsFor([], undefined as never),
    });
    expect(enrichment.recipients.contact).toMatchObject({
      crm: { objectType: 'contact', objectId: CONTACT },
    });
  });
});
