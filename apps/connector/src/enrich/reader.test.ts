import type { CrmReader } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withRecordCache } from './reader.js';

/** A reader that answers every id and counts the reads per id. */
function countingReader() {
  const reads = new Map<string, number>();
  const reader: CrmReader = {
    async fetchRecords(_type, ids) {
      for (const id of ids) reads.set(id, (reads.get(id) ?? 0) + 1);
      return new Map(ids.map((id) => [id, { firstname: `n${id}` }]));
    },
    async fetchAssociations() {
      return new Map();
    },
  };
  return { reader, reads };
}

describe('withRecordCache', () => {
  it('answers a repeated read from the cache until the entry expires', async () => {
    let time = 0;
    const { reader, reads } = countingReader();
    const cached = withRecordCache(reader, 5_000, () => time);
    await cached.fetchRecords('contact', ['1'], ['firstname']);
    time = 4_999;
    const again = await cached.fetchRecords('contact', ['1'], ['firstname']);
    expect(again.get('1')).toEqual({ firstname: 'n1' });
    expect(reads.get('1')).toBe(1);
    time = 5_000;
    await cached.fetchRecords('contact', ['1'], ['firstname']);
    expect(reads.get('1')).toBe(2);
  });

  it('keeps at most maxEntries, dropping the oldest first, whatever the read order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), async (order) => {
        const { reader, reads } = countingReader();
        const cached = withRecordCache(reader, 60_000, () => 0, 5);
        const recent: string[] = [];
        let expected = 0;
        for (const n of order) {
          const id = String(n);
          // A model of the cache: the five ids most recently loaded.
          if (!recent.includes(id)) {
            expected += 1;
            recent.push(id);
            if (recent.length > 5) recent.shift();
          }
          await cached.fetchRecords('contact', [id], ['firstname']);
        }
        const total = [...reads.values()].reduce((a, b) => a + b, 0);
        expect(total).toBe(expected);
      }),
    );
  });

  it('property: a read answers with the fields asked for, sharing entries only between equal field lists', async () => {
    const field = fc.constantFrom('firstname', 'city', 'country', 'zip');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('1', '2'), fc.uniqueArray(field, { maxLength: 4 })), {
          maxLength: 30,
        }),
        async (reads) => {
          // The reader answers with the fields it was asked for, so a wrong share shows.
          const reader: CrmReader = {
            async fetchRecords(_type, ids, fields) {
              return new Map(ids.map((id) => [id, { id, fields: [...fields].sort().join(',') }]));
            },
            async fetchAssociations() {
              return new Map();
            },
          };
          const cached = withRecordCache(reader, 60_000, () => 0);
          for (const [id, fields] of reads) {
            const got = await cached.fetchRecords('contact', [id], fields);
            expect(got.get(id)).toEqual({ id, fields: [...fields].sort().join(',') });
          }
        },
      ),
    );
  });
});
