import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CampaignPolicy } from '../campaign.js';
import { lockScopes, POLICY_DECLARATIONS, type PolicyDeclaration } from './declarations.js';

const policyArb: fc.Arbitrary<CampaignPolicy> = fc.record(
  {
    oncePerRecipient: fc.boolean(),
    cooldownDays: fc.integer({ min: 0, max: 90 }),
    maxPerRecipient: fc.record({
      count: fc.integer({ min: 1, max: 5 }),
      days: fc.integer({ min: 1, max: 90 }),
    }),
    dailyCap: fc.integer({ min: 1, max: 1000 }),
  },
  { requiredKeys: ['oncePerRecipient'] },
);

describe('lockScopes', () => {
  it('locks nothing for once-per-recipient campaigns (the dedupe key guards them)', () => {
    expect(lockScopes([{ oncePerRecipient: true }, { oncePerRecipient: false }])).toEqual([]);
  });

  it('locks what caps and cooldowns read', () => {
    expect(lockScopes([{ oncePerRecipient: true, dailyCap: 5 }])).toEqual(['campaign-daily-count']);
    expect(
      lockScopes([{ oncePerRecipient: true, cooldownDays: 30, maxPerRecipient: { count: 3, days: 90 } }]),
    ).toEqual(['recipient-campaign-history', 'recipient-sends']);
  });

  it('covers every scope of every declaration in force that is not safe unlocked', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 4 }), (policies) => {
        const scopes = lockScopes(policies);
        for (const d of POLICY_DECLARATIONS) {
          if (d.safeUnlockedBecause || !policies.some((p) => d.inForce(p))) continue;
          for (const scope of d.reads) expect(scopes).toContain(scope);
        }
        expect(scopes).toEqual([...new Set(scopes)].sort());
      }),
    );
  });

  it('a newly declared policy is locked as soon as it is in force', () => {
    const weekly: PolicyDeclaration = {
      name: 'weeklyCap',
      inForce: (policy) => policy.dailyCap !== undefined && policy.dailyCap > 100,
      reads: ['campaign-weekly-count'],
    };
    const declarations = [...POLICY_DECLARATIONS, weekly];
    expect(lockScopes([{ oncePerRecipient: true, dailyCap: 500 }], declarations)).toEqual([
      'campaign-daily-count',
      'campaign-weekly-count',
    ]);
    expect(lockScopes([{ oncePerRecipient: true }], declarations)).toEqual([]);
  });
});
