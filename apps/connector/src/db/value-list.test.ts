import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { insertChunks } from '../store/decisions.js';
import { type DatabaseHandle, openDatabase } from './connect.js';
import { inValues, onSqlite } from './value-list.js';

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(`inValues on ${dialect.name}`, () => {
    let handle: DatabaseHandle;
    const stored = ['a', "it's", 'b"c', 'ünï', '%_', '1', ''];
    beforeAll(async () => {
      handle = openDatabase(await dialect.url());
      await sql`create table listed (id text primary key)`.execute(handle.db);
      for (const id of stored) await sql`insert into listed (id) values (${id})`.execute(handle.db);
    });
    afterAll(() => handle?.close());

    it('selects exactly the rows whose value is in the list, whatever the list', async () => {
      expect(onSqlite(handle.db)).toBe(dialect.name === 'sqlite');
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.constantFrom(...stored), fc.string({ maxLength: 4 })), { maxLength: 40 }),
          async (list) => {
            const { rows } = await sql<{
              id: string;
            }>`select id from listed where ${inValues(handle.db, 'id', list)}`.execute(handle.db);
            expect(rows.map((r) => r.id).sort()).toEqual(stored.filter((id) => list.includes(id)).sort());
          },
        ),
        { numRuns: 50 },
      );
    });

    it('keeps one SQL text for lists of every length', () => {
      const text = (n: number) =>
        sql`select id from listed where ${inValues(handle.db, 'id', Array.from({ length: n }, String))}`.compile(
          handle.db,
        ).sql;
      expect(new Set([0, 1, 7, 500, 5_000].map(text)).size).toBe(1);
    });
  });
}

describe('insertChunks', () => {
  it('covers every row once, in order, in sizes that stay prepared on SQLite', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000 }),
        fc.constantFrom('sqlite', 'postgres' as const),
        (count, dialect) => {
          const chunks = insertChunks(count, dialect);
          let next = 0;
          for (const [from, to] of chunks) {
            expect(from).toBe(next);
            expect(to).toBeGreaterThan(from);
            expect(to - from).toBeLessThanOrEqual(500);
            if (dialect === 'sqlite') expect([500, 256, 128, 64, 32, 16, 8, 4, 2, 1]).toContain(to - from);
            next = to;
          }
          expect(next).toBe(count);
        },
      ),
    );
  });
});
