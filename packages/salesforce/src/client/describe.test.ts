import { describe, expect, it } from 'vitest';
import { startFakeSalesforce } from '../testing/index.js';
import { createSalesforceClient } from './client.js';

describe('describe against the fake Salesforce', () => {
  it('reads field names, types and picklist values', async () => {
    const fake = await startFakeSalesforce({ accessTokens: ['tok'] });
    try {
      fake.defineFields('Opportunity', [
        {
          name: 'StageName',
          type: 'picklist',
          picklistValues: [{ value: 'Closed Won' }, { value: 'Prospecting' }],
        },
        { name: 'Amount', type: 'currency' },
      ]);
      fake.addRecord('Contact', '0035e00000AbCdEAAV', { LastName: 'Doe', MailingCity: 'Köln' });
      const client = createSalesforceClient({
        instanceUrl: fake.url,
        auth: { type: 'accessToken', accessToken: 'tok' },
      });
      const opportunity = await client.describe('Opportunity');
      expect(opportunity.fields.map((f) => f.name)).toEqual(['StageName', 'Amount']);
      expect(opportunity.fields[0]?.picklistValues.map((p) => p.value)).toEqual([
        'Closed Won',
        'Prospecting',
      ]);
      const contact = await client.describe('Contact');
      expect(contact.fields.map((f) => f.name).sort()).toEqual(['Id', 'LastName', 'MailingCity']);
      await expect(client.describe('Bad Name')).rejects.toThrow(/object type/);
    } finally {
      await fake.close();
    }
  });
});
