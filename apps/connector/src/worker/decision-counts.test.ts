import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDecisions } from './decision-counts.js';
import type { PlannedDecision } from './plan.js';

const decision = fc.record({
  campaignId: fc.constantFrom('a', 'b', 'c'),
  outcome: fc.constantFrom('triggered', 'no_match', 'skipped') as fc.Arbitrary<PlannedDecision['outcome']>,
  reason: fc.constantFrom(null, 'r'),
  detail: fc.constant(null),
  recipientRef: fc.constant(null),
  trigger: fc.constant(null),
});

describe('countDecisions', () => {
  it('counts per outcome and campaign exactly as one count per decision', () => {
    fc.assert(
      fc.property(
        fc.array(
          decision.map((d) => Object.freeze(d) as PlannedDecision),
          { maxLength: 6 },
        ),
        fc.array(fc.array(fc.tuple(fc.nat(5), decision, fc.boolean()), { maxLength: 8 }), { maxLength: 20 }),
        (shared, plans) => {
          // Each plan mixes shared frozen decisions (one object in many plans) and own ones.
          const lists = plans.map((plan) =>
            plan.map(
              ([i, own, useShared]) =>
                (useShared && shared.length > 0 ? shared[i % shared.length] : own) as PlannedDecision,
            ),
          );
          const expected = new Map<string, number>();
          for (const d of lists.flat()) {
            const key = `${d.outcome}|${d.campaignId}`;
            expected.set(key, (expected.get(key) ?? 0) + 1);
          }
          const counted = countDecisions(lists);
          expect(new Map(counted.map((c) => [`${c.outcome}|${c.campaign}`, c.n]))).toEqual(expected);
          expect(counted.length).toBe(expected.size);
        },
      ),
    );
  });
});
