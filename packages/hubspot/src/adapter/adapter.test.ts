import { type CrmEvent, toRecipient } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { parseWebhookBatch } from '../events/parse.js';
import { createHubSpotAdapter } from './adapter.js';

const adapter = createHubSpotAdapter({ publicUrl: 'https://hooks.example.com' });
const base = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  occurredAt: 1_700_000_000_000,
  attemptNumber: 0,
};
const settings = { portalId: '62515', optOutProperty: 'do_not_mail', writeBack: true };

describe('the HubSpot adapter hooks', () => {
  it('names the surviving record of a merge: newObjectId, else primaryObjectId', () => {
    const [created, kept, plain] = parseWebhookBatch(
      JSON.stringify([
        {
          ...base,
          subscriptionType: 'contact.merge',
          objectId: 1,
          primaryObjectId: 1,
          mergedObjectIds: [2],
          newObjectId: 3,
        },
        {
          ...base,
          eventId: 2,
          subscriptionType: 'company.merge',
          objectId: 5,
          primaryObjectId: 5,
          mergedObjectIds: [6],
        },
        { ...base, eventId: 3, subscriptionType: 'contact.creation', objectId: 7 },
      ]),
    ) as [CrmEvent, CrmEvent, CrmEvent];
    expect([adapter.survivorOf(created), adapter.survivorOf(kept), adapter.survivorOf(plain)]).toEqual([
      '3',
      '5',
      '7',
    ]);
    // Every id but the survivor is gone: with a new record, the primary too.
    expect([created, kept, plain].map((e) => adapter.mergedIdsOf?.(e))).toEqual([['1', '2'], ['6'], []]);
  });

  it('reads the opt-out property of the recipient record, and writes back to contacts only', () => {
    const record = { firstname: 'Erika', do_not_mail: 'true' };
    const recipient = toRecipient({ platform: 'hubspot', objectType: 'contact', objectId: '1', record });
    const enrichment = { records: { contact: record }, recipients: {} };
    expect(adapter.isOptedOut(settings, enrichment, recipient)).toBe(true);
    expect(adapter.isOptedOut({ ...settings, optOutProperty: undefined }, enrichment, recipient)).toBe(false);
    expect(adapter.writeBackEnabled(settings, recipient.crm)).toBe(true);
    expect(adapter.writeBackEnabled(settings, { ...recipient.crm, objectType: 'company' })).toBe(false);
    expect(adapter.ownMode('company')).toBe('company');
    expect(adapter.ownMode('deal')).toBe('contact');
  });

  it('serves only the OAuth answers without an app block, and parses dry-run batches', async () => {
    const routes = adapter.routes({
      workspaces: [],
      accept: async () => ({ accepted: 0, duplicates: 0 }),
      logger: console,
    });
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /oauth/hubspot/install',
      'GET /oauth/hubspot/callback',
    ]);
    expect(adapter.recognisesSample?.(' [ {} ]')).toBe(true);
    expect(adapter.recognisesSample?.('<xml/>')).toBe(false);
    expect(() => adapter.parseSample?.([{ eventId: 'one' }])).toThrow(/malformed webhook delivery/);
  });
});
