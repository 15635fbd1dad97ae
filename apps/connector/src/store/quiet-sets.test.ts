import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionSetId, type QuietDecision, quietSetOf } from './decisions.js';

// A small pool, so sequences name the same lists again (the cache's hits) and near misses.
const pool: QuietDecision[] = ['a', 'b', 'c'].flatMap((campaignId) =>
  [null, 'trigger.to: expected "customer"', 'disabled'].flatMap((reason) =>
    [null, 'x'].map((detail) => ({ campaignId, reason, detail })),
  ),
);
const shared = pool.map((d) => Object.freeze({ ...d }));

// A list element: a shared frozen decision, or a fresh mutable copy of one.
const element = fc
  .tuple(fc.nat(pool.length - 1), fc.boolean())
  .map(([i, frozen]) => (frozen ? (shared[i] as QuietDecision) : { ...(pool[i] as QuietDecision) }));
const list = fc.array(element, { minLength: 1, maxLength: 4 });

const uncached = (decisions: readonly QuietDecision[]) => {
  const entries = JSON.stringify(decisions.map((d) => [d.campaignId, d.reason, d.detail]));
  return { id: decisionSetId(entries), entries };
};

describe('quietSetOf', () => {
  it('answers exactly as serialising and hashing the entries, however lists repeat', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), list), { minLength: 1, maxLength: 60 }), (steps) => {
        // Repeats of earlier lists (by index into the sequence so far) as well as new ones.
        const seen: QuietDecision[][] = [];
        for (const [back, fresh] of steps) {
          const decisions = seen.length > back ? (seen[seen.length - 1 - back] as QuietDecision[]) : fresh;
          seen.push(decisions);
          expect(quietSetOf(decisions)).toEqual(uncached(decisions));
        }
      }),
    );
  });

  it('is not changed by a later change to a list it has seen', () => {
    const decisions = [{ campaignId: 'a', reason: 'r', detail: null as string | null }];
    const before = quietSetOf(decisions);
    (decisions[0] as { detail: string | null }).detail = 'changed';
    expect(quietSetOf(decisions)).toEqual(uncached(decisions));
    expect(quietSetOf([{ campaignId: 'a', reason: 'r', detail: null }])).toEqual(before);
  });
});
