import { afterEach, describe, expect, it } from 'vitest';
import { type FakeHubSpot, startFakeHubSpot } from '../testing/index.js';
import { createHubSpotClient } from './client.js';

let hubspot: FakeHubSpot | undefined;
afterEach(() => hubspot?.close());

describe('getProperties against the fake HubSpot', () => {
  it('reads the defined properties with their enumeration options', async () => {
    hubspot = await startFakeHubSpot();
    hubspot.defineProperties('deal', [
      {
        name: 'dealstage',
        type: 'enumeration',
        options: [
          { value: '1133224', label: 'Won' },
          { value: '1133225', label: 'Lost' },
        ],
      },
      { name: 'amount', type: 'number' },
    ]);
    const client = createHubSpotClient({ accessToken: 'token', baseUrl: hubspot.url });
    const deal = await client.getProperties('deal');
    expect(deal.map((p) => p.name)).toEqual(['dealstage', 'amount']);
    expect(deal[0]?.options?.map((o) => o.value)).toEqual(['1133224', '1133225']);
  });

  it('falls back to the names on the records of a type without definitions', async () => {
    hubspot = await startFakeHubSpot();
    hubspot.addRecord('contact', '1', { firstname: 'Erika', city: 'Köln' });
    const client = createHubSpotClient({ accessToken: 'token', baseUrl: hubspot.url });
    expect((await client.getProperties('contact')).map((p) => p.name).sort()).toEqual(['city', 'firstname']);
  });
});
