import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { useSqliteBothWays } from '../../test/support/sqlite-both-ways.js';
import { type DatabaseHandle, openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrations.js';
import type { PropertyClockTable } from '../db/types.js';
import { readClocks, saveClocks } from './property-clocks.js';

const postgres = dialectCases().find((d) => d.name === 'postgres');

const clock = (record: number, property: string, occurredAt: number): PropertyClockTable => ({
  workspace_id: 'ws',
  record_ref: `hubspot:contact:${record}`,
  property,
  occurred_at: occurredAt,
  event_id: `evt_${record}_${property}_${occurredAt}`,
});

describe.skipIf(!postgres || postgres.skipReason !== null)('saveClocks on PostgreSQL', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = openDatabase(await (postgres as NonNullable<typeof postgres>).url());
    await migrateToLatest(handle.db as never);
  });
  afterAll(() => handle?.close());

  it('concurrent batches over the same records, in any order, neither deadlock nor move a clock back', async () => {
    const properties = ['email', 'lifecyclestage', 'city'];
    const batch = fc.shuffledSubarray(
      Array.from({ length: 120 }, (_, i) => i),
      { minLength: 60, maxLength: 120 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 3, maxLength: 4 }), async (batches) => {
        const round = Date.now();
        // Each batch in its own transaction, all at once: the upserts lock the same rows;
        // taken in different orders they deadlock and PostgreSQL aborts a batch.
        await Promise.all(
          batches.map((records, b) =>
            handle.db.transaction().execute((trx) =>
              saveClocks(
                trx,
                handle.dialect,
                records.flatMap((r) => properties.map((p) => clock(r, p, round + b))),
              ),
            ),
          ),
        );
        const newest = round + batches.length - 1;
        const rows = await handle.db.selectFrom('property_clocks').selectAll().execute();
        for (const [b, records] of batches.entries())
          for (const r of records) {
            const stored = rows.find(
              (x) => x.record_ref === `hubspot:contact:${r}` && x.property === 'email',
            );
            expect(Number(stored?.occurred_at)).toBeGreaterThanOrEqual(round + b);
          }
        expect(Math.max(...rows.map((x) => Number(x.occurred_at)))).toBe(newest);
      }),
      { numRuns: 15 },
    );
  });
});

describe('readClocks on SQLite', () => {
  const ways = useSqliteBothWays();

  it('reads the same clocks through the prepared statement as through Kysely', async () => {
    const both = ways();
    const stored = fc.array(
      fc.record({ record: fc.integer({ min: 0, max: 9 }), at: fc.integer({ min: 1, max: 50 }) }),
      { maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(stored, fc.uniqueArray(fc.integer({ min: 0, max: 12 })), async (clocks, asked) => {
        const results: string[][] = [];
        for (const db of [both.prepared.db, both.kysely]) {
          await db.deleteFrom('property_clocks').execute();
          const read: string[] = [];
          await db.transaction().execute(async (trx) => {
            await saveClocks(trx, 'sqlite', [
              ...new Map(clocks.map((c) => [c.record, clock(c.record, 'email', c.at)])).values(),
            ]);
            await readClocks(
              trx,
              ['ws', 'other'],
              asked.map((r) => `hubspot:contact:${r}`),
              (...found) => read.push(found.join('|')),
            );
          });
          results.push(read.sort());
        }
        expect(results[0]).toEqual(results[1]);
        const last = new Map(clocks.map((c) => [c.record, c.at]));
        expect(results[0]).toHaveLength(asked.filter((r) => last.has(r)).length);
      }),
      { numRuns: 40 },
    );
  });
});
