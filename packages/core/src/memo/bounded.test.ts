import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedCache } from './bounded.js';

describe('boundedCache', () => {
  it('property: always returns what the function computes, within its size bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.nat({ max: 50 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 8 }),
        (calls, maxEntries) => {
          let time = 0;
          let computed = 0;
          const cached = boundedCache<string>({ maxEntries, maxAgeMs: 100, now: () => time });
          for (const [key, step] of calls) {
            time += step;
            const value = cached(key, () => {
              computed++;
              return `value of ${key}`;
            });
            expect(value).toBe(`value of ${key}`);
          }
          expect(computed).toBeLessThanOrEqual(calls.length);
        },
      ),
    );
  });

  it('computes a key once while fresh; once older than maxAgeMs, within 64 calls it starts over', () => {
    let time = 0;
    let computed = 0;
    const cached = boundedCache<number>({ maxAgeMs: 1000, now: () => time });
    const compute = () => ++computed;
    expect(cached('a', compute)).toBe(1);
    time = 999;
    expect(cached('a', compute)).toBe(1);
    time = 1000;
    const later = Array.from({ length: 64 }, () => cached('a', compute));
    expect(later.at(-1)).toBe(2);
    expect(computed).toBe(2);
    // A miss reads the clock at once: an old cache never keeps a new entry beside old ones.
    time = 2500;
    cached('b', compute);
    expect(cached('a', compute)).toBe(4);
  });

  it('keeps null results (a value that is not an address) like any other', () => {
    let computed = 0;
    const cached = boundedCache<string | null>();
    const compute = () => {
      computed++;
      return null;
    };
    cached('x', compute);
    cached('x', compute);
    expect(computed).toBe(1);
  });

  it('starts over when full: at most maxEntries keys are held', () => {
    let computed = 0;
    const cached = boundedCache<string>({ maxEntries: 2 });
    const compute = () => String(++computed);
    cached('a', compute);
    cached('b', compute);
    cached('c', compute); // full: dropped a and b
    expect(cached('a', compute)).toBe('4');
  });
});
