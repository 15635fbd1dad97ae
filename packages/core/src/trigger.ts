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

/** One campaign's verdict on one event, with the reason a human can read. */
export const decisionSchema = z.object({
  campaignId: z.string(),
  outcome: z.enum(['matched', 'no_match', 'skipped']),
  /** null when matched; else the failed clause (`trigger.to: expected "customer", got "lead"`) or skip reason (`incomplete_address`). */
  reason: z.string().nullable(),
});
export type Decision = z.infer<typeof decisionSchema>;
