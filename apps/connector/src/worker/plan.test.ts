import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlannedDecision, summarise } from './plan.js';

/** The rule as written before it became one walk: triggered ones, else the first skip, else no_match. */
function summariseByLists(decisions: readonly PlannedDecision[]) {
  const triggered = decisions.filter((d) => d.outcome === 'triggered');
  if (triggered.length > 0)
    return { status: 'triggered', reason: triggered.map((d) => d.campaignId).join(', ') };
  const skipped = decisions.find((d) => d.outcome === 'skipped');
  if (skipped) return { status: 'skipped', reason: skipped.reason ?? 'skipped' };
  if (decisions.length === 1) return { status: 'no_match', reason: decisions[0]?.reason ?? 'no match' };
  if (decisions.length === 0) return { status: 'no_match', reason: 'no campaign listens to this platform' };
  return { status: 'no_match', reason: `none of ${decisions.length} campaigns matched` };
}

const decision: fc.Arbitrary<PlannedDecision> = fc.record({
  campaignId: fc.constantFrom('a', 'b', 'c'),
  outcome: fc.constantFrom('triggered', 'no_match', 'skipped') as fc.Arbitrary<PlannedDecision['outcome']>,
  reason: fc.constantFrom(null, 'suppressed', 'cooldown'),
  detail: fc.constant(null),
  recipientRef: fc.constant(null),
  trigger: fc.constant(null),
});

describe('summarise', () => {
  it('names the event status and reason as the triggered list, first skip or no_match rule does', () => {
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 8 }), (decisions) => {
        expect(summarise(decisions)).toEqual(summariseByLists(decisions));
      }),
    );
  });
});
