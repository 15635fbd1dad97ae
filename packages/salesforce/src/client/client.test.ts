import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookpostSalesforceError } from '../errors.js';
import { type FakeSalesforce, startFakeSalesforce } from '../testing/index.js';
import { createSalesforceClient } from './client.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const CLIENT_ID = '3MVG9fake.consumer.key';
const USERNAME = 'integration@acme.example';
const now = () => new Date('2026-11-27T10:00:00.000Z');

const contacts = Array.from({ length: 450 }, (_, i) => ({
  Id: `003xx00000${String(i).padStart(5, '0')}`,
  FirstName: `First${i}`,
  LastName: 'Mustermann',
  MailingPostalCode: '01067',
  AccountId: '001xx000003DGb2AAG',
  DoNotMail__c: i % 2 === 0,
  NumberOfPieces__c: 3,
}));

describe('createSalesforceClient against the fake Salesforce (real HTTP through jsforce)', () => {
  let fake: FakeSalesforce;
  const client = () =>
    createSalesforceClient({
      instanceUrl: fake.url,
      loginUrl: fake.url,
      apiVersion: '62.0',
      auth: { type: 'jwt', clientId: CLIENT_ID, username: USERNAME, privateKey },
      now,
    });

  beforeAll(async () => {
    fake = await startFakeSalesforce({
      publicKey,
      clientId: CLIENT_ID,
      username: USERNAME,
      records: {
        Contact: contacts,
        Account: [
          {
            Id: '001xx000003DGb2AAG',
            Name: 'ACME GmbH',
            BillingStreet: 'Heidestraße 17',
            BillingCity: 'Köln',
            BillingState: null,
            BillingPostalCode: '51147',
            BillingCountry: 'Germany',
          },
        ],
        Opportunity: [
          { Id: '006xx000001a2b3AAA', ContactId: '003xx0000000009AAA', StageName: 'Closed Won' },
          { Id: '006xx000001a2b4AAA', ContactId: null },
          { Id: '006xx000001a2b5AAA', ContactId: '003xx0000000003AAA' },
        ],
        OpportunityContactRole: [
          {
            Id: '00Kxx0000000001AAA',
            OpportunityId: '006xx000001a2b3AAA',
            ContactId: '003xx0000000001AAA',
            IsPrimary: false,
            CreatedDate: '2026-01-01T00:00:00.000Z',
          },
          {
            Id: '00Kxx0000000002AAA',
            OpportunityId: '006xx000001a2b3AAA',
            ContactId: '003xx0000000002AAA',
            IsPrimary: true,
            CreatedDate: '2026-03-01T00:00:00.000Z',
          },
          {
            Id: '00Kxx0000000003AAA',
            OpportunityId: '006xx000001a2b5AAA',
            ContactId: '003xx0000000005AAA',
            IsPrimary: false,
            CreatedDate: '2026-02-01T00:00:00.000Z',
          },
          {
            Id: '00Kxx0000000004AAA',
            OpportunityId: '006xx000001a2b5AAA',
            ContactId: '003xx0000000004AAA',
            IsPrimary: false,
            CreatedDate: '2026-01-15T00:00:00.000Z',
          },
        ],
      },
    });
  });
  afterAll(() => fake.close());

  it('logs in with a real RS256 JWT and fetches records in chunks of 200', async () => {
    const salesforce = client();
    const ids = contacts.map((c) => c.Id);
    const tokensBefore = fake.stats.tokenRequests;
    const records = await salesforce.fetchRecords(
      'Contact',
      [...ids, '003xx0000099999AAA'],
      ['FirstName', 'MailingPostalCode', 'DoNotMail__c', 'NumberOfPieces__c', 'Email'],
    );
    expect(fake.stats.tokenRequests).toBe(tokensBefore + 1);
    expect(fake.stats.retrieves.slice(-3)).toEqual([
      { type: 'Contact', ids: 200 },
      { type: 'Contact', ids: 200 },
      { type: 'Contact', ids: 51 },
    ]);
    expect(records.size).toBe(450);
    expect(records.has('003xx0000099999AAA')).toBe(false);
    expect(records.get('003xx0000000007')).toEqual({
      FirstName: 'First7',
      MailingPostalCode: '01067',
      DoNotMail__c: 'false',
      NumberOfPieces__c: '3',
      Email: null,
    });
    expect(salesforce.apiUsage()).toEqual({ used: fake.stats.apiCalls, limit: 15_000 });
  });

  it('finds the primary contact role first, else the earliest role, else the Opportunity ContactId', async () => {
    const salesforce = client();
    expect(await salesforce.findPrimaryContactId('006xx000001a2b3AAA')).toBe('003xx0000000002AAA');
    expect(await salesforce.findPrimaryContactId('006xx000001a2b5')).toBe('003xx0000000004AAA');
    fake.addRecord('Opportunity', '006xx000001a2b6AAA', { ContactId: '003xx0000000006AAA' });
    expect(await salesforce.findPrimaryContactId('006xx000001a2b6AAA')).toBe('003xx0000000006AAA');
    expect(await salesforce.findPrimaryContactId('006xx000001a2b4AAA')).toBeNull();
    expect(fake.stats.queries).toContain(
      "SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = '006xx000001a2b3AAA' ORDER BY IsPrimary DESC, CreatedDate ASC LIMIT 1",
    );
  });

  it('lists every contact role, primary first, then by creation; else the Opportunity ContactId', async () => {
    const salesforce = client();
    expect(await salesforce.findContactRoles('006xx000001a2b3AAA')).toEqual([
      { id: '003xx0000000002AAA', primary: true },
      { id: '003xx0000000001AAA', primary: false },
    ]);
    fake.addRecord('Opportunity', '006xx000001a2b7AAA', { ContactId: '003xx0000000007AAA' });
    expect(await salesforce.findContactRoles('006xx000001a2b7AAA')).toEqual([
      { id: '003xx0000000007AAA', primary: false },
    ]);
    expect(await salesforce.findContactRoles('006xx000001a2b4AAA')).toEqual([]);
  });

  it('reads the account and billing address of a contact', async () => {
    const salesforce = client();
    expect(await salesforce.fetchAccountForContact('003xx0000000001AAA')).toEqual({
      Id: '001xx000003DGb2AAG',
      Name: 'ACME GmbH',
      BillingStreet: 'Heidestraße 17',
      BillingCity: 'Köln',
      BillingState: null,
      BillingPostalCode: '51147',
      BillingCountry: 'Germany',
    });
    fake.addRecord('Contact', '003xx0000000999AAA', { LastName: 'Solo', AccountId: null });
    expect(await salesforce.fetchAccountForContact('003xx0000000999AAA')).toBeNull();
    expect(await salesforce.fetchAccountForContact('003xx0000000998AAA')).toBeNull();
  });

  it('creates a completed Task, dropping WhatId for a Lead', async () => {
    const salesforce = client();
    const { id } = await salesforce.createTask('003xx0000000001AAA', {
      subject: 'Direct mail sent',
      description: 'Welcome pack, trigger trg_123',
      whatId: '006xx000001a2b3AAA',
    });
    expect(id).toMatch(/^00T[a-zA-Z0-9]{15}$/);
    expect(fake.tasks.at(-1)).toEqual({
      Id: id,
      WhoId: '003xx0000000001AAA',
      WhatId: '006xx000001a2b3AAA',
      Subject: 'Direct mail sent',
      Status: 'Completed',
      ActivityDate: '2026-11-27',
      Description: 'Welcome pack, trigger trg_123',
    });
    await salesforce.createTask('00Qxx0000000001AAA', {
      subject: 'Direct mail sent',
      whatId: '006xx000001a2b3AAA',
    });
    expect(fake.tasks.at(-1)).not.toHaveProperty('WhatId');
    expect(fake.tasks.at(-1)?.WhoId).toBe('00Qxx0000000001AAA');
  });

  it('re-authorises once when the session expires', async () => {
    const salesforce = client();
    await salesforce.findPrimaryContactId('006xx000001a2b3AAA');
    const tokensBefore = fake.stats.tokenRequests;
    fake.expireSessions();
    expect(await salesforce.findPrimaryContactId('006xx000001a2b3AAA')).toBe('003xx0000000002AAA');
    expect(fake.stats.tokenRequests).toBe(tokensBefore + 1);
  });

  it('single flight: 20 lookups in flight after the session expired make 1 token request', async () => {
    const salesforce = client();
    await salesforce.fetchRecords('Contact', ['003xx0000000001AAA'], ['LastName']);
    const tokensBefore = fake.stats.tokenRequests;
    fake.expireSessions();
    const ids = Array.from({ length: 20 }, (_, i) => `003xx00000${String(i).padStart(5, '0')}`);
    const results = await Promise.all(
      ids.map((id) => salesforce.fetchRecords('Contact', [id], ['FirstName'])),
    );
    expect(results.map((found, i) => found.get(ids[i] ?? '')?.FirstName)).toEqual(
      ids.map((_, i) => `First${i}`),
    );
    expect(fake.stats.tokenRequests).toBe(tokensBefore + 1);
  });

  it('lists the ids of records changed in a time range (getUpdated, for GAP_OVERFLOW)', async () => {
    fake.addRecord('Contact', '003xx0000000901AAA', {
      LastName: 'A',
      SystemModstamp: '2026-11-27T09:30:00.000Z',
    });
    fake.addRecord('Contact', '003xx0000000902AAA', {
      LastName: 'B',
      SystemModstamp: '2026-11-27T07:00:00.000Z',
    });
    const ids = await client().changedRecordIds(
      'Contact',
      new Date('2026-11-27T09:00:00.000Z'),
      new Date('2026-11-27T10:00:00.000Z'),
    );
    expect(ids).toEqual(['003xx0000000901AAA']);
  });

  it('refuses ids and names that are not Salesforce ids before any SOQL is sent', async () => {
    const salesforce = client();
    const queries = fake.stats.queries.length;
    for (const bad of ["006xx000001a2b3' OR Id != '", '006xx', '']) {
      await expect(salesforce.findPrimaryContactId(bad)).rejects.toMatchObject({ code: 'invalid_id' });
    }
    await expect(
      salesforce.fetchRecords('Contact; DROP', ['003xx0000000001AAA'], ['Id']),
    ).rejects.toMatchObject({ code: 'invalid_id' });
    await expect(
      salesforce.fetchRecords('Contact', ['003xx0000000001AAA'], ['Name FROM User']),
    ).rejects.toMatchObject({ code: 'invalid_id' });
    expect(fake.stats.queries.length).toBe(queries);
  });

  it('fails with auth_failed for a key the connected app does not know, without leaking the key', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const salesforce = createSalesforceClient({
      instanceUrl: fake.url,
      loginUrl: fake.url,
      auth: { type: 'jwt', clientId: CLIENT_ID, username: USERNAME, privateKey: other.privateKey },
    });
    const error = await salesforce
      .fetchRecords('Contact', ['003xx0000000001AAA'], ['Id'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookpostSalesforceError);
    expect(error).toMatchObject({ code: 'auth_failed', status: 401 });
    expect((error as Error).message).toContain('invalid_grant');
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });
});

describe('API limits', () => {
  it('reads Sforce-Limit-Info and throws api_limit on REQUEST_LIMIT_EXCEEDED', async () => {
    const fake = await startFakeSalesforce({
      apiLimit: 3,
      accessTokens: ['00Dxx0000001gPF!static'],
      records: { Contact: [{ Id: '003xx0000000001AAA', LastName: 'Doe' }] },
    });
    try {
      const salesforce = createSalesforceClient({
        instanceUrl: fake.url,
        auth: { type: 'accessToken', accessToken: '00Dxx0000001gPF!static' },
      });
      expect(salesforce.apiUsage()).toBeNull();
      for (let i = 1; i <= 3; i += 1) {
        await salesforce.fetchRecords('Contact', ['003xx0000000001AAA'], ['LastName']);
        expect(salesforce.apiUsage()).toEqual({ used: i, limit: 3 });
      }
      const error = await salesforce
        .fetchRecords('Contact', ['003xx0000000001AAA'], ['LastName'])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HookpostSalesforceError);
      expect(error).toMatchObject({ code: 'api_limit', status: 429 });
      expect(salesforce.apiUsage()).toEqual({ used: 3, limit: 3 });
    } finally {
      await fake.close();
    }
  });

  it('does not retry an expired static access token forever', async () => {
    const fake = await startFakeSalesforce({ accessTokens: ['tok'] });
    try {
      fake.expireSessions();
      const salesforce = createSalesforceClient({
        instanceUrl: fake.url,
        auth: { type: 'accessToken', accessToken: 'tok' },
      });
      await expect(salesforce.findPrimaryContactId('006xx000001a2b3AAA')).rejects.toMatchObject({
        code: 'auth_failed',
      });
      expect(fake.stats.tokenRequests).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
