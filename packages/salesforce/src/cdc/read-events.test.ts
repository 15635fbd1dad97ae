import { describe, expect, it } from 'vitest';
import { HookpostSalesforceError } from '../errors.js';
import { readEvents } from './read-events.js';

const ORG = '00D5e000000KQ2eEAG';
const deleted = (recordIds: string[], body: Record<string, unknown> = {}) => ({
  replayId: 9,
  payload: {
    ...body,
    ChangeEventHeader: {
      entityName: 'Contact',
      recordIds,
      changeType: 'DELETE',
      transactionKey: 'tx-9',
      sequenceNumber: 1,
      commitTimestamp: 1_796_444_400_000,
      changedFields: [],
    },
  },
});
const context = (
  mastersOfDeleted?: (entity: string, ids: readonly string[]) => Promise<Map<string, string>>,
) => ({
  organizationId: ORG,
  skip: [],
  since: null,
  changedRecordIds: undefined,
  report: (error: HookpostSalesforceError) => {
    throw error;
  },
  mastersOfDeleted,
});

describe('readEvents on a DELETE', () => {
  it("adds a merge loser's MasterRecordId from the recycle bin; a plain delete stays without one", async () => {
    const asked: string[][] = [];
    const events = await readEvents(
      deleted(['003xx0000001LoSAAU', '003xx0000001PlnAAU']),
      context(async (entity, ids) => {
        asked.push([entity, ...ids]);
        return new Map([['003xx0000001LoSAAU', '003xx0000001ExIAAU']]);
      }),
    );
    expect(asked).toEqual([['Contact', '003xx0000001LoSAAU', '003xx0000001PlnAAU']]);
    expect(events.map((e) => [e.kind, e.properties?.MasterRecordId])).toEqual([
      ['deleted', '003xx0000001ExIAAU'],
      ['deleted', undefined],
    ]);
  });

  it('keeps an enriched MasterRecordId without a read, and throws (retry) when the read fails', async () => {
    const enriched = await readEvents(
      deleted(['003xx0000001LoSAAU'], { MasterRecordId: '003xx0000001ExIAAU' }),
      context(async () => {
        throw new Error('must not be asked');
      }),
    );
    expect(enriched[0]?.properties?.MasterRecordId).toBe('003xx0000001ExIAAU');
    await expect(
      readEvents(
        deleted(['003xx0000001LoSAAU']),
        context(async () => {
          throw new HookpostSalesforceError('api_error', 'read deleted Contact failed');
        }),
      ),
    ).rejects.toThrow(/read deleted Contact failed/);
  });
});
