import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pendingEvent, useSqliteBothWays } from '../../test/support/sqlite-both-ways.js';
import { claim } from './claim.js';

describe('claim on SQLite', () => {
  const ways = useSqliteBothWays();

  it('the prepared statements and the Kysely queries claim the same events and lease the same rows', async () => {
    const stored = fc.record({
      status: fc.constantFrom('pending', 'pending', 'no_match', 'dead'),
      leaseUntil: fc.constantFrom(0, 4_000, 9_000),
      leaseOwner: fc.constantFrom(null, 'other'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(stored, { maxLength: 25 }),
        fc.integer({ min: 1, max: 12 }),
        async (events, limit) => {
          const both = ways();
          const results: unknown[] = [];
          for (const db of [both.prepared.db, both.kysely]) {
            await db.deleteFrom('events').execute();
            if (events.length > 0)
              await db
                .insertInto('events')
                .values(
                  events.map((e, n) => ({
                    ...pendingEvent(n, e.leaseOwner, e.leaseUntil),
                    status: e.status as 'pending',
                    decision_set: e.status === 'pending' ? null : 'set',
                  })),
                )
                .execute();
            const claimed = await claim({
              db,
              dialect: 'sqlite',
              table: 'events',
              owner: 'me',
              now: 5_000,
              leaseMs: 1_000,
              limit,
              due: false,
              orderBy: 'received_at',
            });
            const rows = await db.selectFrom('events').selectAll().orderBy('id').execute();
            results.push({ claimed, rows });
            // What the worker reads of a claimed event is what is stored, leased to us.
            for (const c of claimed) {
              const row = rows.find((r) => r.id === c.id);
              expect(row).toMatchObject({ ...c, status: 'pending', lease_owner: 'me', lease_until: 6_000 });
            }
          }
          expect(results[0]).toEqual(results[1]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
