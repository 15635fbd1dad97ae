import type { CrmEvent, CrmProperties, CrmReader } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSalesforceEvent } from './resolve.js';

const CONTACT = '0035e000002XyZaAAK';
const LEAD = '00Q5e000001AbCdEAK';
const FIELDS = { contact: ['Email', 'MailingStreet', 'MailingPostalCode', 'MailingCity', 'MailingCountry'] };
const STORED: CrmProperties = {
  FirstName: 'Erika',
  LastName: 'Mustermann',
  Email: 'contact@example.de',
  MailingStreet: 'Ahornallee 3',
  MailingPostalCode: '51147',
  MailingCity: 'Köln',
  MailingCountry: 'Germany',
};

/** A CRM that holds one Contact and answers reads of it. */
function oneContact(): CrmReader {
  return {
    fetchRecords: async (type, ids, fields) =>
      new Map(
        type === 'contact' && ids.includes(CONTACT)
          ? [[CONTACT, Object.fromEntries(fields.map((f) => [f, STORED[f] ?? null]))]]
          : [],
      ),
    fetchAssociations: async () => new Map(),
  };
}

/** An outbound message's Contact event with a full snapshot of `Email` and the address. */
function contactEvent(snapshot: CrmProperties, source: Record<string, unknown> = {}): CrmEvent {
  return {
    id: 'evt_1',
    platform: 'salesforce',
    accountId: '00D5e000000KQ2eEAG',
    externalId: '04l5e000001XyZaAAK',
    objectType: 'contact',
    objectId: CONTACT,
    kind: 'updated',
    properties: snapshot,
    occurredAt: '2026-11-30T10:00:00.000Z',
    source: { channel: 'outbound_message', ...source },
  };
}

const snapshot = fc.record({
  FirstName: fc.constant('Erika'),
  LastName: fc.constant('Mustermann'),
  Email: fc.emailAddress(),
  MailingStreet: fc.constantFrom('Heidestraße 17', 'Lindenweg 2'),
  MailingPostalCode: fc.constant('50667'),
  MailingCity: fc.constant('Köln'),
  MailingCountry: fc.constantFrom('Germany', 'France'),
});

describe('resolveSalesforceEvent', () => {
  it('a record’s own snapshot wins over the read', async () => {
    await fc.assert(
      fc.asyncProperty(snapshot, async (told) => {
        const enrichment = await resolveSalesforceEvent(contactEvent(told), new Set(['contact']), {
          reader: oneContact(),
          fields: FIELDS,
        });
        expect(enrichment.records.contact).toMatchObject(told);
      }),
      { numRuns: 25 },
    );
  });

  // A converted Lead's late message (or a merge loser's), decided as the survivor's, carries the
  // old record's e-mail and address: the survivor's opt-out and address must come from the survivor.
  it('an event of a merged-away record is decided with its survivor’s values, read from the CRM', async () => {
    await fc.assert(
      fc.asyncProperty(snapshot, async (told) => {
        const event = contactEvent(told, { mergedFrom: LEAD, mergedFromType: 'lead' });
        const enrichment = await resolveSalesforceEvent(event, new Set(['contact']), {
          reader: oneContact(),
          fields: FIELDS,
        });
        const recipient = enrichment.recipients.contact;
        expect(recipient && 'crm' in recipient ? recipient.email : recipient).toBe('contact@example.de');
        expect(enrichment.records.contact).toMatchObject({
          MailingStreet: 'Ahornallee 3',
          Email: STORED.Email,
        });
      }),
      { numRuns: 25 },
    );
  });

  it('without a reader, an event of a merged-away record keeps its snapshot', async () => {
    const told = { ...STORED, Email: 'lead@example.de' };
    const enrichment = await resolveSalesforceEvent(
      contactEvent(told, { mergedFrom: LEAD }),
      new Set(['contact']),
      { reader: null, fields: FIELDS },
    );
    expect(enrichment.records.contact).toMatchObject({ Email: 'lead@example.de' });
  });
});
