import type { Campaign, CrmEvent, Decision, Enrichment, Recipient } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { WorkspaceCrm } from '../adapters/registry.js';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Database, EventStatus } from '../db/types.js';
import type { MergePlan } from '../store/merges.js';
import type { TriggerDraft } from '../store/trigger-row.js';
import { lookupsFor } from './batch-lookups.js';
import { decideEvent } from './decide.js';
import { evaluateEvent } from './evaluate.js';
import { loadGuards } from './guards.js';

export { decideEvent } from './decide.js';
export { evaluateEvent } from './evaluate.js';

export interface PlannedDecision {
  campaignId: string;
  outcome: 'triggered' | 'no_match' | 'skipped';
  reason: string | null;
  detail: string | null;
  /** The recipient this decision checked (`hubspot:contact:7005`), null when there was none. */
  recipientRef: string | null;
  /** The piece to write when triggered, its payload and hashes as typed values. */
  trigger: TriggerDraft | null;
}

export interface EventPlan {
  decisions: PlannedDecision[];
  /** Pending triggers of this record that the event reverses. */
  cancels: { triggerId: string; reason: string }[];
  /** Workflow-action callback to complete when no trigger carries it. */
  callback: { callbackId: string; state: 'FAIL_CONTINUE'; reason: string } | null;
  /** Purge and suppress this record (a privacy deletion, or a delete its adapter treats as one). */
  privacy: { ref: string; crmHash: string } | null;
  /** Pending pieces whose recipient changed in the CRM: the new name and address go out instead. */
  refreshes: { triggerId: string; recipient: Recipient }[];
  /** A merge to apply: losers' history, suppressions and pending pieces move to the survivor. */
  merge?: MergePlan | null;
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
  /** The event's CRM as bound to the workspace (reads, derived fields, recipients), or null when not configured. */
  crm: WorkspaceCrm | null;
  /** Pending triggers created by or addressed to this record (reversal, deletion). */
  pending: readonly PendingTrigger[];
}

export interface PlanInput extends EvaluateInput {
  /** Read for the policies' lookups; nothing is written. */
  db: Kysely<Database>;
  now: Date;
}

/**
 * One campaign's verdict for one recipient: `recipient` is the one its conditions read (absent
 * when the trigger failed first or there is none); `detail` explains a skip (`no_recipient`).
 */
export interface Verdict {
  campaign: Campaign;
  decision: Decision;
  recipient?: Recipient;
  detail?: string;
}

/** The rules' verdicts for one event, before the policies (which need the store). */
export interface Evaluation {
  event: CrmEvent;
  workspace: WorkspaceConfig;
  crm: WorkspaceCrm | null;
  /** One per campaign, or one per recipient for `select: all`. */
  verdicts: Verdict[];
  enrichment: Enrichment;
  cancels: EventPlan['cancels'];
  privacy: EventPlan['privacy'];
  workflow: { callbackId: string; campaignId: string } | null;
  /** Pending triggers created by or addressed to this record. */
  pending: readonly PendingTrigger[];
  /** Set when the event merges records (no campaign is evaluated for it). */
  merge?: MergePlan | null;
}

/**
 * Decides what one event does in its workspace: `evaluateEvent`, then `decideEvent`.
 * Writes nothing (dry runs use it as it is).
 */
export async function planEvent(input: PlanInput): Promise<EventPlan> {
  const evaluation = await evaluateEvent(input);
  const lookups = (await lookupsFor(input.db, [evaluation])).get(input.workspace.id);
  if (!lookups) throw new Error('[@hookpost/connector] no lookups for the evaluated workspace');
  // The same order and erasure guards as the worker (read only: nothing is saved).
  const guards = await loadGuards(input.db, [evaluation]);
  return guards.explain(evaluation.event.id, await decideEvent(guards.judge(evaluation), lookups, input.now));
}

/**
 * The event's visible state from its decisions: `triggered` when any campaign triggered, else
 * the first skip with its reason, else `no_match` — every event ends with a reason.
 */
export function summarise(decisions: readonly PlannedDecision[]): { status: EventStatus; reason: string } {
  // One walk, no list: with 50 campaigns this runs over 50 decisions an event.
  let triggered: string | null = null;
  let skipped: PlannedDecision | undefined;
  for (const d of decisions) {
    if (d.outcome === 'triggered')
      triggered = triggered === null ? d.campaignId : `${triggered}, ${d.campaignId}`;
    else if (d.outcome === 'skipped') skipped ??= d;
  }
  if (triggered !== null) return { status: 'triggered', reason: triggered };
  if (skipped) return { status: 'skipped', reason: skipped.reason ?? 'skipped' };
  if (decisions.length === 1) return { status: 'no_match', reason: decisions[0]?.reason ?? 'no match' };
  if (decisions.length === 0) return { status: 'no_match', reason: 'no campaign listens to this platform' };
  return { status: 'no_match', reason: `none of ${decisions.length} campaigns matched` };
}
