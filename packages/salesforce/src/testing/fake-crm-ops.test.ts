import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnectedApp } from './connected-app.js';
import { type FakeSalesforce, startFakeSalesforce } from './fake-salesforce.js';

const { publicKey, clientOf } = testConnectedApp();
const LEAD = '00Qxx0000001AbCEAU';
const EXISTING = '003xx0000001ExIAAU';
const LOSER = '003xx0000001LoSAAU';

describe('the fake Salesforce converts leads and merges records as Salesforce does (through jsforce)', () => {
  let fake: FakeSalesforce;
  const client = () => clientOf(fake);

  beforeAll(async () => {
    fake = await startFakeSalesforce({
      publicKey,
      records: {
        Lead: [
          {
            Id: LEAD,
            FirstName: 'Erika',
            LastName: 'Mustermann',
            Company: 'ACME GmbH',
            City: 'Köln',
            IsConverted: false,
          },
          { Id: '00Qxx0000001AbDEAU', LastName: 'Muster', IsConverted: false },
        ],
        Contact: [
          { Id: EXISTING, LastName: 'Mustermann', MailingCity: 'Bonn' },
          { Id: LOSER, LastName: 'Mustermann', MailingCity: 'Köln' },
        ],
      },
    });
  });
  afterAll(() => fake.close());

  it('a converted Lead stays readable with IsConverted and ConvertedContactId; its Contact is created from it', async () => {
    const { contactId, accountId } = fake.convertLead(LEAD, { at: '2026-11-30T10:00:00.000Z' });
    const leads = await client().fetchRecords(
      'Lead',
      [LEAD],
      ['IsConverted', 'ConvertedContactId', 'ConvertedDate', 'Status'],
    );
    expect(leads.get(LEAD)).toMatchObject({
      IsConverted: 'true',
      ConvertedContactId: contactId,
      ConvertedDate: '2026-11-30',
      Status: 'Closed - Converted',
    });
    expect(fake.getRecord('Contact', contactId)).toMatchObject({
      LastName: 'Mustermann',
      MailingCity: 'Köln',
      AccountId: accountId,
    });
    expect(fake.getRecord('Account', accountId)).toMatchObject({ Name: 'ACME GmbH' });
    expect(() => fake.convertLead(LEAD)).toThrow(/already converted/);
  });

  it('converting into an existing Contact keeps that Contact as it is', () => {
    const { contactId } = fake.convertLead('00Qxx0000001AbDEAU', { contactId: EXISTING });
    expect(contactId).toBe(EXISTING);
    expect(fake.getRecord('Contact', EXISTING)).toMatchObject({ MailingCity: 'Bonn' });
  });

  it('a merge deletes the loser: retrieve and query miss it, queryAll finds its MasterRecordId', async () => {
    fake.mergeRecords('Contact', EXISTING, [LOSER]);
    const sf = client();
    expect((await sf.fetchRecords('Contact', [LOSER, EXISTING], ['LastName'])).has(LOSER)).toBe(false);
    expect(await sf.mastersOfDeleted('Contact', [LOSER, EXISTING])).toEqual(new Map([[LOSER, EXISTING]]));
    expect(fake.stats.queries.at(-1)).toBe(`SELECT Id, MasterRecordId FROM Contact WHERE Id = '${EXISTING}'`);
  });
});
