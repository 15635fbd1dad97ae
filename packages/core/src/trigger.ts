import { z } from 'zod';
import { recipientSchema } from './address.js';
import { platformSchema } from './event.js';

/**
 * The campaign trigger: the message POSTed (signed, Standard Webhooks) to the direct-mail
 * platform for one piece — campaign, printable recipient, variables, send time and the
 * CRM events that caused it. Not to be confused with a campaign's `trigger:` rule clause
 * (`TriggerClause`), which says which CRM change fires the campaign.
 */
export const campaignTriggerSchema = z.object({
  type: z.literal('campaign.trigger'),
  id: z.string().regex(/^trg_[A-Za-z0-9_-]+$/),
  createdAt: z.iso.datetime({ offset: true }),
  workspace: z.string(),
  campaign: z.object({ id: z.string(), name: z.string() }),
  recipient: recipientSchema,
  variables: z.record(z.string(), z.string()),
  sendAt: z.iso.datetime({ offset: true }).nullable(),
  source: z.object({
    platform: platformSchema,
    accountId: z.string(),
    eventIds: z.array(z.string()),
    occurredAt: z.iso.datetime({ offset: true }),
  }),
});
export type CampaignTrigger = z.infer<typeof campaignTriggerSchema>;

/** @deprecated Use `campaignTriggerSchema`. */
export const triggerSchema = campaignTriggerSchema;
/** @deprecated Use `CampaignTrigger`. */
export type Trigger = CampaignTrigger;

/**
 * Which part of a campaign a `no_match` failed, as data (the `reason` is for people):
 * - `trigger`: the event is not the kind the trigger clause fires on (platform, object,
 *   `on`, or the watched property absent);
 * - `trigger.value`: the watched property is not (or no longer) the target (`to` / `in`);
 * - `conditions`: the trigger fired but a condition does not hold.
 */
export const decisionClauseSchema = z.enum(['trigger', 'trigger.value', 'conditions']);
export type DecisionClause = z.infer<typeof decisionClauseSchema>;

/** One campaign's verdict on one event, with the reason a human can read. */
export const decisionSchema = z.object({
  campaignId: z.string(),
  outcome: z.enum(['matched', 'no_match', 'skipped']),
  /** null when matched; else the failed clause (`trigger.to: expected "customer", got "lead"`) or skip reason (`incomplete_address`). */
  reason: z.string().nullable(),
  /** For `no_match`: which part failed (see `decisionClauseSchema`). */
  clause: decisionClauseSchema.optional(),
});
export type Decision = z.infer<typeof decisionSchema>;

/**
 * True when a decision did not match because of the trigger clause (the event is not one
 * this campaign listens to, or its watched value is off target).
 */
export const failedTrigger = (decision: Decision): boolean =>
  decision.outcome === 'no_match' && (decision.clause === 'trigger' || decision.clause === 'trigger.value');

/**
 * True when a decision reverses an earlier match of the same record: the watched property
 * moved off its target, or a condition no longer holds. A pending piece of that campaign
 * for that record should then be cancelled.
 */
export const reversesMatch = (decision: Decision): boolean =>
  decision.outcome === 'no_match' &&
  (decision.clause === 'trigger.value' || decision.clause === 'conditions');
