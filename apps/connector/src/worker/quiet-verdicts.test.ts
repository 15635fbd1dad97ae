import type { Decision } from '@hookpost/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workspaceSchema } from '../config/schema.js';
import type { Verdict } from './plan.js';
import { quietPlan, quietVerdict } from './quiet-verdicts.js';

const workspace = workspaceSchema.parse({
  id: 'acme',
  destinations: { mailer: { type: 'log' } },
  campaigns: ['a', 'b'].map((id) => ({
    id,
    destination: 'mailer',
    trigger: { platform: 'hubspot', object: 'contact', on: 'property_change', property: `p_${id}` },
  })),
});
const campaigns = workspace.campaigns as Verdict['campaign'][];

const decision = fc.record({
  campaign: fc.constantFrom(...campaigns),
  outcome: fc.constantFrom('no_match', 'skipped', 'matched') as fc.Arbitrary<Decision['outcome']>,
  reason: fc.option(fc.constantFrom('trigger.to: expected "customer", got "lead"', 'disabled', 'r'), {
    nil: null,
  }),
  clause: fc.option(
    fc.constantFrom('trigger', 'trigger.value', 'conditions') as fc.Arbitrary<Decision['clause']>,
    {
      nil: undefined,
    },
  ),
});

describe('quiet verdicts', () => {
  it('property: a shared verdict and its plan say what the eagerly built ones said, for any sequence', () => {
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 40 }), (drawn) => {
        for (const { campaign, outcome, reason, clause } of drawn) {
          const made: Decision = {
            campaignId: campaign.id,
            outcome,
            reason,
            ...(clause === undefined ? {} : { clause }),
          };
          const verdict = quietVerdict(campaign, made);
          expect(verdict).toEqual({ campaign, decision: made });
          const plan = quietPlan(verdict);
          if (plan === undefined) continue;
          // As decideEvent builds a decision whose campaign did not match.
          expect(plan).toEqual({
            campaignId: campaign.id,
            outcome: 'no_match',
            reason,
            detail: null,
            recipientRef: null,
            trigger: null,
          });
          expect(made.outcome).toBe('no_match');
        }
      }),
    );
  });

  it('shares one frozen object per campaign and reason, and none for a verdict built elsewhere', () => {
    const [a] = campaigns as [Verdict['campaign']];
    const made = (): Decision => ({ campaignId: a.id, outcome: 'no_match', reason: 'x', clause: 'trigger' });
    const first = quietVerdict(a, made());
    expect(quietVerdict(a, made())).toBe(first);
    expect(Object.isFrozen(quietPlan(first))).toBe(true);
    expect(quietPlan({ campaign: a, decision: made() })).toBeUndefined();
    expect(() => {
      (quietPlan(first) as { detail: string | null }).detail = 'changed';
    }).toThrow(TypeError);
  });
});
