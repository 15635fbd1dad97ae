import { toRecipient } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { buildOutboundMessage } from '../outbound/build.js';
import { createSalesforceAdapter } from './adapter.js';

const adapter = createSalesforceAdapter({ readPrivateKey: () => '' });
const ORG = '00D5e000000KQ2eEAG';
const settings = {
  organizationId: ORG,
  endpointToken: 'sf-endpoint-token-1234567890',
  loginUrl: 'https://login.salesforce.com',
  apiVersion: '62.0',
  optOutField: 'Do_Not_Mail__c',
  writeBack: false,
};

describe('the Salesforce adapter hooks', () => {
  it('routes 15- and 18-character org ids to the same account', () => {
    expect(adapter.accountKey(ORG)).toBe(adapter.accountKey(ORG.slice(0, 15)));
    expect(adapter.accountIdOf(settings)).toBe(ORG);
  });

  it('treats a plain delete as a privacy deletion, a delete with MasterRecordId as a merge into it', () => {
    const [deleted] =
      adapter.parseSample?.(
        buildOutboundMessage({
          organizationId: ORG,
          actionId: '04k5e000000AbCdAAK',
          notifications: [
            {
              id: '04l5e000001XyZaAAK',
              objectType: 'Contact',
              fields: { Id: '003xx0000000001AAA', MasterRecordId: '003xx0000000002AAA' },
            },
          ],
        }),
      ) ?? [];
    if (!deleted) throw new Error('no event');
    expect(adapter.survivorOf(deleted)).toBe('003xx0000000002AAA');
    // A merge's loser is not an erasure: the person lives on in the master record.
    expect(adapter.deletionIsPrivacyDeletion({ ...deleted, kind: 'deleted' })).toBe(false);
    expect(adapter.mergedIdsOf?.({ ...deleted, kind: 'deleted' })).toEqual(['003xx0000000001AAA']);
    expect(adapter.mergedIdsOf?.({ ...deleted, kind: 'updated' })).toEqual([]);
    const plainDelete = { ...deleted, kind: 'deleted' as const, properties: { Id: '003xx0000000001AAA' } };
    expect(adapter.deletionIsPrivacyDeletion(plainDelete)).toBe(true);
    expect(adapter.mergedIdsOf?.(plainDelete)).toEqual([]);
    expect(adapter.deletionIsPrivacyDeletion({ ...deleted, kind: 'updated' })).toBe(false);
  });

  it('reads the opt-out checkbox as the REST API returns it, and writes back only when configured', () => {
    const record = { LastName: 'Mustermann', Do_Not_Mail__c: 'true' };
    const recipient = toRecipient({
      platform: 'salesforce',
      objectType: 'contact',
      objectId: '003xx0000000001AAA',
      record,
    });
    expect(adapter.isOptedOut(settings, { records: { contact: record }, recipients: {} }, recipient)).toBe(
      true,
    );
    expect(adapter.writeBackEnabled(settings, recipient.crm)).toBe(false);
    expect(adapter.writeBackEnabled({ ...settings, writeBack: true }, recipient.crm)).toBe(true);
    expect(adapter.ownMode('account')).toBe('company');
    expect(
      adapter.startStream?.({
        workspace: { id: 'w', campaigns: [], settings },
        accept: async () => ({ accepted: 0, duplicates: 0 }),
        positions: { get: async () => null, set: async () => {} },
        logger: console,
      }),
    ).toBeNull();
    expect(() => adapter.parseSample?.(['not xml'])).toThrow(/outbound-message XML/);
  });
});
