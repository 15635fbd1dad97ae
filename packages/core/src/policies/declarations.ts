import type { CampaignPolicy } from '../campaign.js';

/**
 * Cross-event state a mailing policy reads when it decides:
 * - `recipient-campaign-history`: when this campaign last mailed this recipient.
 * - `recipient-sends`: how many pieces any campaign sent this recipient lately.
 * - `campaign-daily-count`: how many pieces this campaign sent today (UTC).
 * - `suppression-list`: the workspace's suppression list.
 */
export type PolicyReadScope =
  | 'recipient-campaign-history'
  | 'recipient-sends'
  | 'campaign-daily-count'
  | 'suppression-list'
  | (string & {});

/** What one policy reads across events, and whether concurrent deciders need a lock for it. */
export interface PolicyDeclaration {
  /** The policy, as named in a campaign's `policy:` block or the skip reason it yields. */
  name: string;
  /** True when the campaign's policy settings put this policy in force. */
  inForce(policy: CampaignPolicy): boolean;
  /** The cross-event state it reads (see `PolicyReadScope`). */
  reads: readonly PolicyReadScope[];
  /**
   * Why two processes deciding at once cannot break this policy without a lock, when
   * they cannot. Absent: every scope in `reads` must be locked while deciding.
   */
  safeUnlockedBecause?: string;
}

/**
 * The policies `applyPolicies` runs that read past sends or lists, with what they read.
 * A policy that reads cross-event state and is not listed here, or is listed without its
 * scopes, could be decided twice at once; a deployment that decides in several processes
 * derives its locks from this list (see `lockScopes`).
 */
export const POLICY_DECLARATIONS: readonly PolicyDeclaration[] = [
  {
    name: 'suppressed',
    inForce: () => true,
    reads: ['suppression-list'],
    safeUnlockedBecause: 'the suppression list is checked again right before hand-off',
  },
  {
    name: 'oncePerRecipient',
    inForce: (policy) => policy.oncePerRecipient,
    reads: ['recipient-campaign-history'],
    safeUnlockedBecause: "the piece's dedupe key is UNIQUE in the store: the second insert loses",
  },
  {
    name: 'cooldownDays',
    inForce: (policy) => (policy.cooldownDays ?? 0) > 0,
    reads: ['recipient-campaign-history'],
  },
  {
    name: 'maxPerRecipient',
    inForce: (policy) => policy.maxPerRecipient !== undefined,
    reads: ['recipient-sends'],
  },
  { name: 'dailyCap', inForce: (policy) => policy.dailyCap !== undefined, reads: ['campaign-daily-count'] },
];

/**
 * The read scopes that must be locked while deciding for campaigns with these policies:
 * the `reads` of every declaration in force for any of them and not safe unlocked, sorted
 * and unique (so locks are always taken in the same order). Pure.
 *
 * @example
 * lockScopes([{ oncePerRecipient: true, dailyCap: 500 }]); // ['campaign-daily-count']
 */
export function lockScopes(
  policies: readonly CampaignPolicy[],
  declarations: readonly PolicyDeclaration[] = POLICY_DECLARATIONS,
): PolicyReadScope[] {
  const scopes = new Set<PolicyReadScope>();
  for (const declaration of declarations) {
    if (declaration.safeUnlockedBecause !== undefined) continue;
    if (!policies.some((policy) => declaration.inForce(policy))) continue;
    for (const scope of declaration.reads) scopes.add(scope);
  }
  return [...scopes].sort();
}
