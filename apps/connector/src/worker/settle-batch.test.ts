import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pendingEvent, useSqliteBothWays } from '../../test/support/sqlite-both-ways.js';
import { sqliteOf } from '../db/statement-cache.js';
import type { EventStatus } from '../db/types.js';
import { settleGroups } from './settle-batch.js';

const group = fc.record({
  status: fc.constantFrom<EventStatus>('triggered', 'no_match', 'skipped'),
  reason: fc.string({ maxLength: 30 }),
  set: fc.option(fc.string({ minLength: 4, maxLength: 8 }), { nil: null }),
  run: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  members: fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 10 }),
});

describe('settleGroups on SQLite', () => {
  const ways = useSqliteBothWays();

  it('the prepared statements and the Kysely query leave the same rows and count the same changes', async () => {
    const both = ways();
    expect(sqliteOf(both.prepared.db)).toBeDefined();
    expect(sqliteOf(both.kysely)).toBeUndefined();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('me', 'other', null), { minLength: 30, maxLength: 30 }),
        fc.array(group, { maxLength: 4 }),
        fc.boolean(),
        async (owners, groups, held) => {
          const results: unknown[] = [];
          for (const db of [both.prepared.db, both.kysely]) {
            await db.deleteFrom('events').execute();
            await db
              .insertInto('events')
              .values(owners.map((o, n) => pendingEvent(n, o, o ? 9_999 : 0)))
              .execute();
            const updated = await db.transaction().execute((trx) =>
              settleGroups(
                trx,
                'sqlite',
                groups.map((g) => ({ ...g, ids: g.members.map((n) => `evt_${n}`) })),
                { now: 5_000, owner: 'me', held },
              ),
            );
            results.push({
              updated,
              rows: await db.selectFrom('events').selectAll().orderBy('id').execute(),
            });
          }
          expect(results[0]).toEqual(results[1]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
