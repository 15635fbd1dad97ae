import type { PolicyLookups } from '@hookpost/core';
import type { PlannedDecision } from './plan.js';

/** Policy lookups that also count the pieces one event has decided so far. */
export interface EventLookups extends PolicyLookups {
  /** Counts a triggered decision's piece for the recipients decided after it; returns the decision. */
  note(decision: PlannedDecision): PlannedDecision;
}

/**
 * The batch's lookups plus the pieces this event already decided: one event can address
 * several recipients (`recipient: { type: associated_contact, select: all }`), and each is
 * checked against the campaign's `dailyCap`, the recipient's cap, cooldown and
 * once-per-recipient with the pieces decided before it in the same event counted. The batch
 * lookups themselves learn of a piece only once it is stored (`recordSend`), so nothing is
 * counted twice.
 *
 * @example
 * const counted = countingWithinEvent(lookups);
 * decisions.push(counted.note(await decideMatched(evaluation, campaign, target, counted, now)));
 */
export function countingWithinEvent(lookups: PolicyLookups): EventLookups {
  const sends: { recipientKey: string; campaignId: string; createdAt: number }[] = [];
  const since = (at: Date) => sends.filter((s) => s.createdAt >= at.getTime());
  return {
    isSuppressed: (query) => lookups.isSuppressed(query),
    async lastSentAt(recipientKey, campaignId) {
      const own = sends.findLast((s) => s.recipientKey === recipientKey && s.campaignId === campaignId);
      return own ? new Date(own.createdAt) : lookups.lastSentAt(recipientKey, campaignId);
    },
    async countSentSince(recipientKey, at) {
      const own = since(at).filter((s) => s.recipientKey === recipientKey).length;
      return (await lookups.countSentSince(recipientKey, at)) + own;
    },
    async countCampaignSentSince(campaignId, at) {
      const own = since(at).filter((s) => s.campaignId === campaignId).length;
      return (await lookups.countCampaignSentSince(campaignId, at)) + own;
    },
    note(decision) {
      const piece = decision.trigger;
      if (decision.outcome === 'triggered' && piece)
        sends.push({
          recipientKey: piece.recipient_key,
          campaignId: piece.campaign_id,
          createdAt: piece.created_at,
        });
      return decision;
    },
  };
}
