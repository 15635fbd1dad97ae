import { POLICY_DECLARATIONS, type PolicyDeclaration } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { decideLockKeys } from './decide-lock.js';

const workspace = (
  id: string,
  ...policies: { oncePerRecipient: boolean; dailyCap?: number; cooldownDays?: number }[]
) => ({
  id,
  campaigns: policies.map((policy) => ({ policy })),
});

describe('decideLockKeys', () => {
  it('takes no lock where only the dedupe key guards the policies', () => {
    expect(decideLockKeys([workspace('acme', { oncePerRecipient: true })])).toEqual([]);
  });

  it('locks each workspace and scope its policies read, sorted', () => {
    expect(
      decideLockKeys([
        workspace('zeta', { oncePerRecipient: true, dailyCap: 10 }),
        workspace(
          'acme',
          { oncePerRecipient: false, cooldownDays: 30 },
          { oncePerRecipient: true, dailyCap: 5 },
        ),
      ]),
    ).toEqual([
      'hookpost:decide:acme:campaign-daily-count',
      'hookpost:decide:acme:recipient-campaign-history',
      'hookpost:decide:zeta:campaign-daily-count',
    ]);
  });

  it('covers a newly declared cross-event policy without other changes', () => {
    const perCompany: PolicyDeclaration = {
      name: 'oncePerCompany',
      inForce: (policy) => policy.oncePerRecipient,
      reads: ['company-history'],
    };
    const declarations = [...POLICY_DECLARATIONS, perCompany];
    expect(decideLockKeys([workspace('acme', { oncePerRecipient: true })], declarations)).toEqual([
      'hookpost:decide:acme:company-history',
    ]);
  });
});
