import type { CampaignPolicy } from '../campaign.js';
import type { PolicyLookups } from './lookups.js';
import { ALLOW, DAY_MS, type PolicyResult } from './result.js';

export interface FrequencyInput {
  campaignId: string;
  policy: CampaignPolicy;
  /** `recipientKey(recipient)`. */
  recipientKey: string;
  now: Date;
}

/**
 * `already_sent` when the campaign is once-per-recipient and has mailed this recipient.
 *
 * @example
 * await checkOncePerRecipient({ campaignId, policy, recipientKey, now }, lookups);
 */
export async function checkOncePerRecipient(
  input: FrequencyInput,
  lookups: Pick<PolicyLookups, 'lastSentAt'>,
): Promise<PolicyResult> {
  if (!input.policy.oncePerRecipient) return ALLOW;
  const last = await lookups.lastSentAt(input.recipientKey, input.campaignId);
  return last === null
    ? ALLOW
    : { allow: false, reason: 'already_sent', detail: `sent ${last.toISOString()}` };
}

/**
 * `cooldown` when this campaign mailed the recipient less than `cooldownDays` ago.
 *
 * @example
 * await checkCooldown({ campaignId, policy: { oncePerRecipient: false, cooldownDays: 45 }, recipientKey, now }, lookups);
 */
export async function checkCooldown(
  input: FrequencyInput,
  lookups: Pick<PolicyLookups, 'lastSentAt'>,
): Promise<PolicyResult> {
  const days = input.policy.cooldownDays;
  if (days === undefined || days === 0) return ALLOW;
  const last = await lookups.lastSentAt(input.recipientKey, input.campaignId);
  if (last === null || input.now.getTime() - last.getTime() >= days * DAY_MS) return ALLOW;
  return { allow: false, reason: 'cooldown', detail: `sent ${last.toISOString()}, cooldown ${days} days` };
}

/**
 * `cap_reached` when the recipient already got `maxPerRecipient.count` pieces from any
 * campaign in the last `maxPerRecipient.days` days (vendors use 3 per 90 days).
 *
 * @example
 * await checkRecipientCap({ campaignId, policy: { oncePerRecipient: true, maxPerRecipient: { count: 3, days: 90 } }, recipientKey, now }, lookups);
 */
export async function checkRecipientCap(
  input: FrequencyInput,
  lookups: Pick<PolicyLookups, 'countSentSince'>,
): Promise<PolicyResult> {
  const cap = input.policy.maxPerRecipient;
  if (cap === undefined) return ALLOW;
  const since = new Date(input.now.getTime() - cap.days * DAY_MS);
  const count = await lookups.countSentSince(input.recipientKey, since);
  if (count < cap.count) return ALLOW;
  return {
    allow: false,
    reason: 'cap_reached',
    detail: `${count} pieces in ${cap.days} days (max ${cap.count})`,
  };
}

/**
 * `daily_cap_reached` when the campaign already sent `dailyCap` pieces today. "Today" is
 * the UTC calendar day of `now`, so the budget resets at 00:00 UTC.
 *
 * @example
 * await checkDailyCap({ campaignId, policy: { oncePerRecipient: true, dailyCap: 500 }, recipientKey, now }, lookups);
 */
export async function checkDailyCap(
  input: FrequencyInput,
  lookups: Pick<PolicyLookups, 'countCampaignSentSince'>,
): Promise<PolicyResult> {
  const cap = input.policy.dailyCap;
  if (cap === undefined) return ALLOW;
  const midnight = new Date(Math.floor(input.now.getTime() / DAY_MS) * DAY_MS);
  const count = await lookups.countCampaignSentSince(input.campaignId, midnight);
  return count < cap
    ? ALLOW
    : { allow: false, reason: 'daily_cap_reached', detail: `${count} of ${cap} today (UTC)` };
}
