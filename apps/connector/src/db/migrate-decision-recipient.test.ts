import fc from 'fast-check';
import { type Kysely, type Migration, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { readRecipientTerm, recipientFilter } from '../api/recipient.js';
import { writeDecisions } from '../store/decisions.js';
import { otherRecipientId, recipientIdOf } from '../store/recipient-id.js';
import { openDatabase } from './connect.js';
import { migrateToLatest, migrations } from './migrations.js';
import type { Database, DecisionRowTable } from './types.js';

const T0 = 1_800_000_000_000;
const BEFORE = '0015_scale_decision_recipient_id';

/** Every migration before this one: a store as the previous release left it. */
async function migrateToBefore(db: Kysely<Database>): Promise<void> {
  const earlier = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < BEFORE)) as Record<
    string,
    Migration
  >;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => earlier } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

const event = (id: string, objectType: string, objectId: string) => ({
  id,
  platform: 'hubspot',
  account_id: '62515',
  external_id: id,
  workspace_id: 'acme',
  channel: 'webhook',
  object_type: objectType,
  object_id: objectId,
  kind: 'updated',
  occurred_at: T0,
  received_at: T0,
  raw_delivery_id: 'raw_1',
  payload: '{}',
  status: 'skipped' as const,
  reason: null,
  attempts: 1,
  lease_owner: null,
  lease_until: 0,
  processed_at: T0,
});

const decision = (eventId: string, campaignId: string, recipientRef: string): DecisionRowTable => ({
  event_id: eventId,
  run: 1,
  campaign_id: campaignId,
  workspace_id: 'acme',
  outcome: 'skipped',
  reason: 'incomplete_address',
  detail: null,
  trigger_id: null,
  recipient_ref: recipientRef,
  created_at: T0,
});

const found = async (db: Kysely<Database>, term: string) =>
  (
    await db
      .selectFrom('events')
      .select('id')
      .where((eb) => recipientFilter(eb, readRecipientTerm(term)))
      .orderBy('id')
      .execute()
  ).map((r) => r.id);

describe('recipientIdOf', () => {
  it('is the id of any record reference, also ids holding a colon', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(part, part, fc.stringMatching(/^[A-Za-z0-9_:-]{1,20}$/), (platform, type, id) => {
        expect(recipientIdOf(`${platform}:${type}:${id}`)).toBe(id);
      }),
    );
  });

  it('is null for the event’s own record and for no recipient', () => {
    const own = { platform: 'hubspot', object_type: 'contact', object_id: '7005' };
    expect(otherRecipientId('hubspot:contact:7005', own)).toBeNull();
    expect(otherRecipientId('', own)).toBeNull();
    expect(otherRecipientId('hubspot:contact:7006', own)).toBe('7006');
    expect(otherRecipientId('hubspot:deal:7005', own)).toBe('7005');
    const salesforce = { platform: 'salesforce', object_type: 'Contact', object_id: '0035e00000AbCdE' };
    expect(otherRecipientId('salesforce:contact:0035e00000AbCdE', salesforce)).toBeNull();
  });
});

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`${BEFORE} on ${dialect.name}`, () => {
    it('gives decisions stored before about another record their id, and the search finds them by it', async () => {
      const handle = openDatabase(await dialect.url());
      try {
        await migrateToBefore(handle.db);
        await handle.db
          .insertInto('events')
          .values([
            event('evt_deal', 'deal', '9001'),
            event('evt_contact', 'contact', '7005'),
            event('evt_other', 'contact', '7001'),
            { ...event('evt_sf', 'Contact', '0035e00000AbCdE'), platform: 'salesforce' },
          ])
          .execute();
        // Stored as the previous release wrote them: no recipient_id column yet.
        await handle.db
          .insertInto('decision_rows')
          .values([
            decision('evt_deal', 'gift-all', 'hubspot:contact:7006'),
            decision('evt_deal', 'gift-primary', 'hubspot:contact:7005'),
            decision('evt_contact', 'welcome', 'hubspot:contact:7005'),
            decision('evt_other', 'welcome', ''),
            decision('evt_sf', 'welcome', 'salesforce:contact:0035e00000AbCdE'),
          ])
          .execute();
        expect(await migrateToLatest(handle.db as never)).toEqual(
          Object.keys(migrations)
            .filter((name) => name >= BEFORE)
            .sort(),
        );

        const ids = await handle.db
          .selectFrom('decision_rows')
          .select(['event_id', 'campaign_id', 'recipient_id'])
          .orderBy('event_id')
          .orderBy('campaign_id')
          .execute();
        expect(ids).toEqual([
          { event_id: 'evt_contact', campaign_id: 'welcome', recipient_id: null },
          { event_id: 'evt_deal', campaign_id: 'gift-all', recipient_id: '7006' },
          { event_id: 'evt_deal', campaign_id: 'gift-primary', recipient_id: '7005' },
          { event_id: 'evt_other', campaign_id: 'welcome', recipient_id: null },
          { event_id: 'evt_sf', campaign_id: 'welcome', recipient_id: null },
        ]);
        // 7006 only ever had a decision on the deal (no piece, not the deal's own record).
        expect(await found(handle.db, '7006')).toEqual(['evt_deal']);
        expect(await found(handle.db, '7005')).toEqual(['evt_contact', 'evt_deal']);
        expect(await found(handle.db, '7001')).toEqual(['evt_other']);
        expect(await found(handle.db, '9001')).toEqual(['evt_deal']);
        expect(await found(handle.db, '700')).toEqual([]);
      } finally {
        await handle.close();
      }
    });

    it('finds every event whose decision checked a record, as writeDecisions stores them', async () => {
      const handle = openDatabase(await dialect.url());
      try {
        await migrateToLatest(handle.db as never);
        const record = fc.constantFrom('7001', '7005', '7006', '9001', '0035e00000AbCdE');
        const cases = fc.array(
          fc.record({
            type: fc.constantFrom('contact', 'deal'),
            own: record,
            recipients: fc.uniqueArray(fc.option(fc.tuple(fc.constantFrom('contact', 'deal'), record)), {
              maxLength: 3,
              selector: (r) => (r ? r.join(':') : ''),
            }),
          }),
          { minLength: 1, maxLength: 8 },
        );
        let run = 0;
        await fc.assert(
          fc.asyncProperty(cases, async (events) => {
            run++;
            const stored = events.map((e, i) => ({ ...e, row: event(`evt_${run}_${i}`, e.type, e.own) }));
            await handle.db
              .insertInto('events')
              .values(stored.map((s) => s.row))
              .execute();
            const rows = stored.flatMap((s) =>
              s.recipients.map((r, k) => {
                const ref = r ? `hubspot:${r[0]}:${r[1]}` : '';
                return { ...decision(s.row.id, `c${k}`, ref), recipient_id: otherRecipientId(ref, s.row) };
              }),
            );
            await handle.db.transaction().execute((trx) => writeDecisions(trx, handle.dialect, rows, []));
            for (const id of ['7001', '7005', '7006', '9001', '0035e00000AbCdE']) {
              const expected = stored
                .filter((s) => s.own === id || s.recipients.some((r) => r?.[1] === id))
                .map((s) => s.row.id)
                .sort();
              const inRun = (await found(handle.db, id)).filter((e) => e.startsWith(`evt_${run}_`));
              expect(inRun.sort()).toEqual(expected);
            }
          }),
          { numRuns: 25 },
        );
      } finally {
        await handle.close();
      }
    });
  });
}
