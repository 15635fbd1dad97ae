import type { Recipient } from '../address.js';
import type { CampaignPolicy } from '../campaign.js';
import { checkAddress } from './address-policy.js';
import { dedupeKey } from './dedupe.js';
import {
  checkCooldown,
  checkDailyCap,
  checkOncePerRecipient,
  checkRecipientCap,
} from './frequency-policy.js';
import { identityKey, recipientKey } from './hash.js';
import type { PolicyLookups } from './lookups.js';
import type { PolicyResult } from './result.js';
import { sendAt } from './send-at.js';
import { checkSuppression } from './suppression-policy.js';

export interface ApplyPoliciesInput {
  workspaceId: string;
  campaign: { id: string; policy: CampaignPolicy };
  /** As mapped by `toRecipient`; validated and normalised here. */
  recipient: Recipient;
  /** The event that matched; part of the dedupe key only when `oncePerRecipient` is false. */
  eventId: string;
  now: Date;
  lookups: PolicyLookups;
}

/** Every policy passed: the normalised recipient, the piece's dedupe key and its send time. */
export type ApplyPoliciesResult =
  | {
      allow: true;
      recipient: Recipient;
      /** The key the policies counted under (`policy.identity`): the record's, or the person's. */
      recipientKey: string;
      dedupeKey: string;
      sendAt: string | null;
    }
  | Exclude<PolicyResult, { allow: true }>;

/**
 * Runs the policies in this fixed order and returns the first skip:
 * 1. address — `incomplete_address`, `undeliverable_address`, `missing_name`
 * 2. `suppressed`
 * 3. `already_sent` (oncePerRecipient)
 * 4. `cooldown` (cooldownDays)
 * 5. `cap_reached` (maxPerRecipient, across campaigns)
 * 6. `daily_cap_reached` (dailyCap)
 * Cheap, local checks come first; lookups run one at a time and stop at the first skip.
 * When all pass, `sendAt` is `now + delay`. Call it again right before hand-off.
 *
 * @example
 * const result = await applyPolicies({ workspaceId: 'acme', campaign, recipient, eventId: event.id, now: new Date(), lookups });
 * if (!result.allow) record(`skipped:${result.reason}`);
 */
export async function applyPolicies(input: ApplyPoliciesInput): Promise<ApplyPoliciesResult> {
  const address = checkAddress(input.recipient);
  if (!address.allow) return address;
  const recipient = address.value;
  const key = identityKey(recipient, input.campaign.policy.identity);
  const suppressed = await checkSuppression(recipient, input.lookups);
  if (!suppressed.allow) return suppressed;

  const lookups = rememberLastSent(input.lookups);
  const frequency = {
    campaignId: input.campaign.id,
    policy: input.campaign.policy,
    recipientKey: key,
    now: input.now,
  };
  for (const check of [checkOncePerRecipient, checkCooldown, checkRecipientCap, checkDailyCap]) {
    const result = await check(frequency, lookups);
    if (!result.allow) return result;
  }
  const { oncePerRecipient } = input.campaign.policy;
  return {
    allow: true,
    recipient,
    recipientKey: key,
    dedupeKey: dedupeKey({
      workspaceId: input.workspaceId,
      campaignId: input.campaign.id,
      recipient,
      eventId: oncePerRecipient ? undefined : input.eventId,
      personKey: key === recipientKey(recipient) ? undefined : key,
    }),
    sendAt: sendAt(input.campaign.policy, input.now),
  };
}

/** once-per-recipient and cooldown read the same row: ask the store once. */
function rememberLastSent(lookups: PolicyLookups): PolicyLookups {
  let last: Promise<Date | null> | undefined;
  return {
    isSuppressed: (query) => lookups.isSuppressed(query),
    countSentSince: (key, since) => lookups.countSentSince(key, since),
    countCampaignSentSince: (campaignId, since) => lookups.countCampaignSentSince(campaignId, since),
    lastSentAt: (key, campaignId) => {
      last ??= Promise.resolve(lookups.lastSentAt(key, campaignId));
      return last;
    },
  };
}
