import {
  type Campaign,
  type CrmEvent,
  type Enrichment,
  evaluateCampaigns,
  failedTrigger,
  hashCrmRef,
  type RecipientMode,
  recipientsOf,
  reversesMatch,
} from '@hookpost/core';
import { recordRef } from '../store/ids.js';
import type { EvaluateInput, Evaluation, EventPlan, Verdict } from './plan.js';
import { triggerPass, uncachedTriggerPass } from './trigger-shapes.js';

const conditionOnly = new WeakMap<Campaign, Campaign>();
// Most events have no pending piece of their record: one empty set for all of them (never added to).
const NONE: ReadonlySet<string> = new Set<string>();

/** A workflow action fires its chosen campaign for the enrolled record: only the conditions apply. */
function asWorkflowCampaign(campaign: Campaign, event: CrmEvent): Campaign {
  let copy = conditionOnly.get(campaign);
  if (!copy) {
    copy = { ...campaign, trigger: { platform: event.platform, object: event.objectType, on: 'any' } };
    conditionOnly.set(campaign, copy);
  }
  return copy;
}

/**
 * Evaluates every campaign for one event: the trigger clause first, the CRM adapter's enrichment only for
 * the campaigns that can still match (or that have a pending piece this event may
 * reverse), then the conditions with each campaign's own recipient. No store access.
 */
export async function evaluateEvent(input: EvaluateInput): Promise<Evaluation> {
  const { event, workspace, crm } = input;
  const workflow = event.source?.channel === 'workflow_action' ? workflowInput(event) : null;
  let campaigns = onPlatform(input.campaigns, event.platform);
  if (workflow) {
    const chosen = campaigns.find((c) => c.id === workflow.campaignId);
    campaigns = chosen ? [asWorkflowCampaign(chosen, event)] : [];
  }
  const ref = recordRef(event.platform, event.objectType, event.objectId);
  const fromThisRecord = input.pending.length === 0 ? [] : input.pending.filter((p) => p.source_ref === ref);
  const pendingCampaigns: ReadonlySet<string> =
    fromThisRecord.length === 0 ? NONE : new Set(fromThisRecord.map((p) => p.campaign_id));
  const privacy =
    event.kind === 'privacy_deleted' || (crm?.deletionIsPrivacyDeletion(event) ?? false)
      ? {
          ref,
          crmHash: hashCrmRef({
            platform: event.platform,
            objectType: event.objectType,
            objectId: event.objectId,
          }),
        }
      : null;
  // A merge changes who the person is, not whether a campaign fires: it is applied, not evaluated.
  const mergedIds = crm?.mergedIdsOf(event) ?? [];
  if (crm && mergedIds.length > 0) {
    const merge = {
      platform: event.platform,
      objectType: event.objectType,
      survivorId: crm.survivorOf(event),
      survivorObjectType: crm.survivorTypeOf(event),
      mergedIds,
    };
    const verdicts = campaigns.map((campaign) => ({
      campaign,
      decision: { campaignId: campaign.id, outcome: 'skipped' as const, reason: 'merged' },
    }));
    const enrichment = { records: {}, recipients: {} };
    return {
      event,
      workspace,
      crm,
      verdicts,
      enrichment,
      cancels: [],
      privacy: null,
      workflow,
      pending: [],
      merge,
    };
  }
  const cancels: EventPlan['cancels'] =
    event.kind === 'deleted' && !privacy
      ? input.pending.map((p) => ({ triggerId: p.id, reason: `record_deleted: event ${event.id}` }))
      : [];

  // The trigger clauses alone first (they read the event, not the records): most campaigns
  // stop here, and their decision is final.
  const quiet = workflow ? uncachedTriggerPass(event, campaigns) : triggerPass(event, campaigns);
  const open: number[] = [];
  for (let i = 0; i < campaigns.length; i++)
    if (quiet[i] === undefined || pendingCampaigns.has(campaigns[i]!.id)) open.push(i);
  let enrichment: Enrichment = { records: {}, recipients: {} };
  const addressedHere = input.pending.some((p) => p.recipient_ref === ref);
  if (open.length > 0 || addressedHere) {
    const modes = new Set<RecipientMode>();
    for (const i of open) modes.add(campaigns[i]!.recipient);
    if (addressedHere && crm) modes.add(crm.ownMode(event.objectType));
    if (crm) enrichment = await crm.resolve(event, modes);
  }
  // Each campaign sees its own recipient(s), whose normalised address `address.*` reads. A
  // campaign whose trigger fired but has no recipient is `no_recipient`, whatever its
  // conditions would say about a record that is not there.
  const opened: (Verdict[] | undefined)[] = new Array(campaigns.length);
  for (const i of open) opened[i] = verdictsWithRecords(event, enrichment, campaigns[i]!);

  const verdicts: Verdict[] = [];
  for (let i = 0; i < campaigns.length; i++) {
    const campaign = campaigns[i]!;
    const own = opened[i];
    if (own === undefined) {
      verdicts.push(quiet[i]!);
      continue;
    }
    // A pending piece is reversed when the trigger moved off target or no recipient still qualifies.
    if (pendingCampaigns.has(campaign.id) && own.every((v) => reversesMatch(v.decision))) {
      for (const p of fromThisRecord.filter((t) => t.campaign_id === campaign.id)) {
        cancels.push({
          triggerId: p.id,
          reason: `reversed by event ${event.id}: ${own[0]!.decision.reason}`,
        });
      }
    }
    for (const verdict of own) verdicts.push(verdict);
  }
  // A read can show what the event did not say: a Lead converted meanwhile is merged into its
  // Contact beside these decisions (commit applies it after their pieces, keeping one per campaign).
  const shown = crm?.mergeShownByRead(event, enrichment);
  const merge = shown
    ? { platform: event.platform, objectType: event.objectType, ...shown, mergedIds: [event.objectId] }
    : null;
  return {
    event,
    workspace,
    crm,
    verdicts,
    enrichment,
    cancels,
    privacy,
    workflow,
    pending: input.pending,
    merge,
  };
}

/** A campaign the trigger clause left open, with the records read: one verdict per recipient. */
function verdictsWithRecords(event: CrmEvent, enrichment: Enrichment, campaign: Campaign): Verdict[] {
  const targets = recipientsOf(enrichment, campaign);
  if ('missing' in targets) {
    const decision = evaluateCampaigns(event, { records: enrichment.records, recipient: null }, [
      campaign,
    ])[0]!;
    return [
      failedTrigger(decision)
        ? { campaign, decision }
        : {
            campaign,
            decision: { campaignId: campaign.id, outcome: 'skipped', reason: 'no_recipient' },
            detail: targets.missing,
          },
    ];
  }
  return targets.map((recipient) => ({
    campaign,
    decision: evaluateCampaigns(event, { records: enrichment.records, recipient }, [campaign])[0]!,
    recipient,
  }));
}

// Workspace campaign lists come from the parsed config and are not changed: split once by platform.
const byPlatform = new WeakMap<readonly Campaign[], Map<string, Campaign[]>>();

function onPlatform(campaigns: readonly Campaign[], platform: string): Campaign[] {
  let split = byPlatform.get(campaigns);
  if (split === undefined) {
    split = new Map();
    byPlatform.set(campaigns, split);
  }
  let list = split.get(platform);
  if (list === undefined) {
    list = campaigns.filter((c) => c.trigger.platform === platform);
    split.set(platform, list);
  }
  return list;
}

function workflowInput(event: CrmEvent): { callbackId: string; campaignId: string } | null {
  const source = event.source ?? {};
  const inputs = (source.inputFields ?? {}) as Record<string, unknown>;
  const campaignId = inputs.campaign ?? inputs.campaignId ?? inputs.campaign_id;
  if (typeof source.callbackId !== 'string') return null;
  return { callbackId: source.callbackId, campaignId: typeof campaignId === 'string' ? campaignId : '' };
}
