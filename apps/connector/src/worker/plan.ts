import {
  applyPolicies,
  buildTrigger,
  type Campaign,
  type CrmEvent,
  checkAddress,
  type Decision,
  evaluateCampaigns,
  hashCrmRef,
  type PolicyLookups,
  type Recipient,
  renderVariables,
  suppressionQuery,
  variableScope,
} from '@hookpost/core';
import type { Insertable } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { EventStatus, TriggerTable } from '../db/types.js';
import { type Enrichment, enrichEvent, type RecipientMode } from '../enrich/enrich.js';
import type { CrmReader } from '../enrich/reader.js';
import { recordRef } from '../store/ids.js';

export interface PlannedDecision {
  campaignId: string;
  outcome: 'triggered' | 'no_match' | 'skipped';
  reason: string | null;
  detail: string | null;
  trigger: Insertable<TriggerTable> | null;
}

export interface EventPlan {
  decisions: PlannedDecision[];
  /** Pending triggers of this record that the event reverses. */
  cancels: { triggerId: string; reason: string }[];
  /** HubSpot workflow-action callback to complete when no trigger carries it. */
  callback: { callbackId: string; state: 'FAIL_CONTINUE'; reason: string } | null;
  /** Purge and suppress this record (privacy deletion, Salesforce delete). */
  privacy: { ref: string; crmHash: string } | null;
  /** Pending pieces whose recipient changed in the CRM: the new name and address go out instead. */
  refreshes: { triggerId: string; recipient: Recipient }[];
}

export interface PendingTrigger {
  id: string;
  campaign_id: string;
  source_ref: string;
  recipient_ref: string;
}

export interface EvaluateInput {
  event: CrmEvent;
  workspace: WorkspaceConfig;
  campaigns: readonly Campaign[];
  reader: CrmReader | null;
  properties: Record<string, string[]>;
  /** Pending triggers created by or addressed to this record (reversal, deletion). */
  pending: readonly PendingTrigger[];
}

export interface PlanInput extends EvaluateInput {
  lookups: PolicyLookups;
  now: Date;
}

/** The rules' verdicts for one event, before the policies (which need the store). */
export interface Evaluation {
  event: CrmEvent;
  workspace: WorkspaceConfig;
  verdicts: { campaign: Campaign; decision: Decision }[];
  enrichment: Enrichment;
  cancels: EventPlan['cancels'];
  privacy: EventPlan['privacy'];
  workflow: { callbackId: string; campaignId: string } | null;
  /** Pending triggers created by or addressed to this record. */
  pending: readonly PendingTrigger[];
}

const conditionOnly = new WeakMap<Campaign, Campaign>();

/** A workflow action fires its chosen campaign for the enrolled record: only the conditions apply. */
function asWorkflowCampaign(campaign: Campaign, objectType: string): Campaign {
  let copy = conditionOnly.get(campaign);
  if (!copy) {
    copy = { ...campaign, trigger: { platform: 'hubspot', object: objectType, on: 'any' } };
    conditionOnly.set(campaign, copy);
  }
  return copy;
}

const isTriggerFailure = (d: Decision) =>
  d.outcome === 'no_match' && d.reason?.startsWith('trigger.') === true;
/** A reversal: the watched property moved away from the target, or a condition no longer holds. */
const isReversal = (d: Decision) =>
  d.outcome === 'no_match' &&
  (d.reason?.startsWith('trigger.to') === true ||
    d.reason?.startsWith('trigger.in') === true ||
    d.reason?.startsWith('conditions') === true);

/**
 * Decides what one event does in its workspace: `evaluateEvent`, then `decideEvent`.
 * Writes nothing (dry runs use it as it is).
 */
export async function planEvent(input: PlanInput): Promise<EventPlan> {
  return decideEvent(await evaluateEvent(input), input.lookups, input.now);
}

/**
 * Evaluates every campaign for one event: the trigger clause first, enrichment only for
 * the campaigns that can still match (or that have a pending piece this event may
 * reverse), then the conditions with each campaign's own recipient. No store access.
 */
export async function evaluateEvent(input: EvaluateInput): Promise<Evaluation> {
  const { event, workspace } = input;
  const workflow = event.source?.channel === 'workflow_action' ? workflowInput(event) : null;
  let campaigns = input.campaigns.filter((c) => c.trigger.platform === event.platform);
  if (workflow) {
    const chosen = campaigns.find((c) => c.id === workflow.campaignId);
    campaigns = chosen ? [asWorkflowCampaign(chosen, event.objectType)] : [];
  }
  const ref = recordRef(event.platform, event.objectType, event.objectId);
  const fromThisRecord = input.pending.filter((p) => p.source_ref === ref);
  const pendingCampaigns = new Set(fromThisRecord.map((p) => p.campaign_id));
  const privacy =
    event.kind === 'privacy_deleted' || (event.platform === 'salesforce' && event.kind === 'deleted')
      ? {
          ref,
          crmHash: hashCrmRef({
            platform: event.platform,
            objectType: event.objectType,
            objectId: event.objectId,
          }),
        }
      : null;
  const cancels: EventPlan['cancels'] =
    event.kind === 'deleted' && !privacy
      ? input.pending.map((p) => ({ triggerId: p.id, reason: `record_deleted: event ${event.id}` }))
      : [];

  const first = evaluateCampaigns(event, { records: {} }, campaigns);
  const open = campaigns.filter((c, i) => !isTriggerFailure(first[i]!) || pendingCampaigns.has(c.id));
  let enrichment: Enrichment = { records: {}, recipients: {} };
  const addressedHere = input.pending.some((p) => p.recipient_ref === ref);
  if (open.length > 0 || addressedHere) {
    const modes = new Set<RecipientMode>(open.map((c) => c.recipient));
    if (addressedHere) modes.add(ownMode(event.objectType));
    enrichment = await enrichEvent(event, modes, { reader: input.reader, properties: input.properties });
  }
  // Each campaign sees its own recipient, whose normalised address `address.*` reads.
  const byId = new Map(
    open.map((c) => {
      const target = enrichment.recipients[c.recipient];
      const recipient = target && 'crm' in target ? target : null;
      return [c.id, evaluateCampaigns(event, { records: enrichment.records, recipient }, [c])[0]!] as const;
    }),
  );

  const verdicts: Evaluation['verdicts'] = [];
  for (const [i, campaign] of campaigns.entries()) {
    const decision = byId.get(campaign.id) ?? first[i]!;
    if (pendingCampaigns.has(campaign.id) && isReversal(decision)) {
      for (const p of fromThisRecord.filter((t) => t.campaign_id === campaign.id)) {
        cancels.push({ triggerId: p.id, reason: `reversed by event ${event.id}: ${decision.reason}` });
      }
    }
    verdicts.push({ campaign, decision });
  }
  return { event, workspace, verdicts, enrichment, cancels, privacy, workflow, pending: input.pending };
}

/**
 * Applies the address and mailing policies to the matched campaigns and prepares the
 * trigger rows. `lookups` must see the triggers decided before this event (the worker
 * runs it inside its batch transaction, event by event).
 */
export async function decideEvent(
  evaluation: Evaluation,
  lookups: PolicyLookups,
  now: Date,
): Promise<EventPlan> {
  const { workflow, workspace } = evaluation;
  const decisions: PlannedDecision[] = [];
  const cancels = [...evaluation.cancels];
  const refreshes: EventPlan['refreshes'] = [];
  for (const { campaign, decision } of evaluation.verdicts) {
    if (decision.outcome !== 'matched') {
      decisions.push({
        campaignId: campaign.id,
        outcome: decision.outcome === 'skipped' ? 'skipped' : 'no_match',
        reason: decision.reason,
        detail: null,
        trigger: null,
      });
      continue;
    }
    decisions.push(await decideMatched(evaluation, campaign, lookups, now));
  }
  recheckAddressed(evaluation, { cancels, refreshes });
  let callback: EventPlan['callback'] = null;
  if (workflow && !decisions.some((d) => d.outcome === 'triggered')) {
    const reason =
      decisions[0]?.reason ?? `campaign "${workflow.campaignId}" not found in workspace ${workspace.id}`;
    callback = { callbackId: workflow.callbackId, state: 'FAIL_CONTINUE', reason };
  }
  return { decisions, cancels, callback, privacy: evaluation.privacy, refreshes };
}

function workflowInput(event: CrmEvent): { callbackId: string; campaignId: string } | null {
  const source = event.source ?? {};
  const inputs = (source.inputFields ?? {}) as Record<string, unknown>;
  const campaignId = inputs.campaign ?? inputs.campaignId ?? inputs.campaign_id;
  if (typeof source.callbackId !== 'string') return null;
  return { callbackId: source.callbackId, campaignId: typeof campaignId === 'string' ? campaignId : '' };
}

const skip = (campaignId: string, reason: string, detail: string | null = null): PlannedDecision => ({
  campaignId,
  outcome: 'skipped',
  reason,
  detail,
  trigger: null,
});

async function decideMatched(
  { event, workspace, enrichment, workflow }: Evaluation,
  campaign: Campaign,
  lookups: PolicyLookups,
  now: Date,
): Promise<PlannedDecision> {
  const callbackId = workflow?.callbackId ?? null;
  const target = enrichment.recipients[campaign.recipient];
  if (!target || !('crm' in target)) return skip(campaign.id, 'no_recipient', target?.missing ?? null);

  if (isOptedOut(workspace, enrichment, target))
    return skip(campaign.id, 'suppressed', 'opt-out property set in the CRM');
  const allowed = await applyPolicies({
    workspaceId: workspace.id,
    campaign,
    recipient: target,
    eventId: event.id,
    now,
    lookups,
  });
  if (!allowed.allow) return skip(campaign.id, allowed.reason, allowed.detail ?? null);
  const { recipient } = allowed;

  const variables = renderVariables(
    campaign.variables,
    variableScope(event, { records: enrichment.records, recipient }),
  );
  if (!variables.ok) return skip(campaign.id, variables.reason);

  // The mail platform gets what it prints; the e-mail address stays in the CRM.
  const { email: _email, ...printable } = recipient;
  const payload = buildTrigger({
    dedupeKey: allowed.dedupeKey,
    workspaceId: workspace.id,
    campaign,
    recipient: printable,
    variables: variables.value,
    sendAt: allowed.sendAt,
    events: event,
    createdAt: now,
  });
  const id = payload.id;
  const key = allowed.dedupeKey;
  const when = allowed.sendAt;
  const query = suppressionQuery(recipient);
  const createdAt = now.getTime();
  const trigger: Insertable<TriggerTable> = {
    id,
    dedupe_key: key,
    workspace_id: workspace.id,
    campaign_id: campaign.id,
    destination: campaign.destination,
    event_id: event.id,
    recipient_key: query.recipientKey,
    recipient_ref: query.recipientKey,
    source_ref: recordRef(event.platform, event.objectType, event.objectId),
    recipient_hashes: JSON.stringify({
      crmHash: query.crmHash,
      emailHash: query.emailHash,
      addressHash: query.addressHash,
    }),
    status: 'pending',
    reason: null,
    payload: JSON.stringify(payload),
    send_at: when === null ? null : Date.parse(when),
    next_attempt_at: when === null ? createdAt : Date.parse(when),
    attempts: 0,
    retry_window_start: when === null ? createdAt : Date.parse(when),
    created_at: createdAt,
    updated_at: createdAt,
    delivered_at: null,
    lease_owner: null,
    lease_until: 0,
    callback_id: callbackId,
    last_error: null,
  };
  return { campaignId: campaign.id, outcome: 'triggered', reason: null, detail: null, trigger };
}

/**
 * The recipient of pieces still waiting for their `sendAt` changed in the CRM
 * (reference/direct-mail.md, Timing): a name and address that no longer pass the address
 * policy cancel those pieces; usable ones replace what the pieces would have printed.
 */
function recheckAddressed(
  { event, enrichment, pending }: Evaluation,
  out: Pick<EventPlan, 'cancels' | 'refreshes'>,
): void {
  const ref = recordRef(event.platform, event.objectType, event.objectId);
  const waiting = pending.filter(
    (p) => p.recipient_ref === ref && !out.cancels.some((c) => c.triggerId === p.id),
  );
  const own = enrichment.recipients[ownMode(event.objectType)];
  if (waiting.length === 0 || !own || !('crm' in own) || event.kind !== 'updated') return;
  const checked = checkAddress(own);
  for (const p of waiting) {
    if (checked.allow) out.refreshes.push({ triggerId: p.id, recipient: checked.value });
    else
      out.cancels.push({
        triggerId: p.id,
        reason: `${checked.reason}: ${checked.detail ?? 'the recipient changed'}`,
      });
  }
}

/** How a record addresses mail to itself: people as contacts, companies and accounts as companies. */
const ownMode = (objectType: string): RecipientMode =>
  objectType === 'company' || objectType === 'account' ? 'company' : 'contact';

const TRUTHY = new Set(['true', 'yes', '1', 'y', 'on']);

function isOptedOut(workspace: WorkspaceConfig, enrichment: Enrichment, recipient: Recipient): boolean {
  const field =
    recipient.crm.platform === 'hubspot'
      ? workspace.hubspot?.optOutProperty
      : workspace.salesforce?.optOutField;
  if (!field) return false;
  const value = enrichment.records[recipient.crm.objectType]?.[field];
  return value === true || (typeof value === 'string' && TRUTHY.has(value.trim().toLowerCase()));
}

/** The event's visible state from its decisions (DESIGN §2 rule 3). */
export function summarise(decisions: readonly PlannedDecision[]): { status: EventStatus; reason: string } {
  const triggered = decisions.filter((d) => d.outcome === 'triggered');
  if (triggered.length > 0)
    return { status: 'triggered', reason: triggered.map((d) => d.campaignId).join(', ') };
  const skipped = decisions.find((d) => d.outcome === 'skipped');
  if (skipped) return { status: 'skipped', reason: skipped.reason ?? 'skipped' };
  if (decisions.length === 1) return { status: 'no_match', reason: decisions[0]?.reason ?? 'no match' };
  if (decisions.length === 0) return { status: 'no_match', reason: 'no campaign listens to this platform' };
  return { status: 'no_match', reason: `none of ${decisions.length} campaigns matched` };
}
