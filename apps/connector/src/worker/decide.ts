import {
  applyPolicies,
  buildTrigger,
  type Campaign,
  checkAddress,
  type PolicyLookups,
  type Recipient,
  recipientKey,
  renderVariables,
  suppressionQuery,
  variableScope,
} from '@hookpost/core';
import { recordRef } from '../store/ids.js';
import type { TriggerDraft } from '../store/trigger-row.js';
import { countingWithinEvent, type EventLookups } from './event-sends.js';
import type { Evaluation, EventPlan, PlannedDecision } from './plan.js';
import { quietPlan } from './quiet-verdicts.js';

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
  const decisions: PlannedDecision[] = new Array(evaluation.verdicts.length);
  let at = 0;
  const cancels = [...evaluation.cancels];
  const refreshes: EventPlan['refreshes'] = [];
  // Made on the first matched campaign: most events have none.
  let counted: EventLookups | undefined;
  for (const verdict of evaluation.verdicts) {
    const { campaign, decision } = verdict;
    if (decision.outcome !== 'matched' || !verdict.recipient) {
      const quiet = quietPlan(verdict);
      if (quiet) {
        decisions[at++] = quiet;
        continue;
      }
      decisions[at++] = {
        campaignId: campaign.id,
        outcome: decision.outcome === 'no_match' ? 'no_match' : 'skipped',
        reason: decision.outcome === 'matched' ? 'no_recipient' : decision.reason,
        detail: verdict.detail ?? null,
        recipientRef: refOf(verdict.recipient),
        trigger: null,
      };
      continue;
    }
    counted ??= countingWithinEvent(lookups);
    decisions[at++] = counted.note(
      await decideMatched(evaluation, campaign, verdict.recipient, counted, now),
    );
  }
  recheckAddressed(evaluation, { cancels, refreshes });
  let callback: EventPlan['callback'] = null;
  if (workflow && !decisions.some((d) => d.outcome === 'triggered')) {
    const reason =
      decisions[0]?.reason ?? `campaign "${workflow.campaignId}" not found in workspace ${workspace.id}`;
    callback = { callbackId: workflow.callbackId, state: 'FAIL_CONTINUE', reason };
  }
  return {
    decisions,
    cancels,
    callback,
    privacy: evaluation.privacy,
    refreshes,
    merge: evaluation.merge ?? null,
  };
}

/** `hubspot:contact:7005`: the recipient a decision checked, as decisions and pieces name it. */
const refOf = (recipient: Recipient | undefined): string | null =>
  recipient ? recipientKey(recipient) : null;

async function decideMatched(
  { event, workspace, crm, enrichment, workflow }: Evaluation,
  campaign: Campaign,
  target: Recipient,
  lookups: PolicyLookups,
  now: Date,
): Promise<PlannedDecision> {
  const callbackId = workflow?.callbackId ?? null;
  const recipientRef = refOf(target);
  const skip = (campaignId: string, reason: string, detail: string | null = null): PlannedDecision => ({
    campaignId,
    outcome: 'skipped',
    reason,
    detail,
    recipientRef,
    trigger: null,
  });

  if (crm?.isOptedOut(enrichment, target))
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
  const trigger: TriggerDraft = {
    id,
    dedupe_key: key,
    workspace_id: workspace.id,
    campaign_id: campaign.id,
    destination: campaign.destination,
    event_id: event.id,
    // The key the policies counted under: the record's, or the person's (`policy.identity: person`).
    recipient_key: allowed.recipientKey,
    recipient_ref: query.recipientKey,
    source_ref: recordRef(event.platform, event.objectType, event.objectId),
    recipientHashes: { crmHash: query.crmHash, emailHash: query.emailHash, addressHash: query.addressHash },
    status: 'pending',
    reason: null,
    payload,
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
  return { campaignId: campaign.id, outcome: 'triggered', reason: null, detail: null, recipientRef, trigger };
}

/**
 * The recipient of pieces still waiting for their `sendAt` changed in the CRM
 * (reference/direct-mail.md, Timing): a name and address that no longer pass the address
 * policy cancel those pieces; usable ones replace what the pieces would have printed.
 */
function recheckAddressed(
  { event, crm, enrichment, pending }: Evaluation,
  out: Pick<EventPlan, 'cancels' | 'refreshes'>,
): void {
  if (pending.length === 0) return;
  const ref = recordRef(event.platform, event.objectType, event.objectId);
  const waiting = pending.filter(
    (p) => p.recipient_ref === ref && !out.cancels.some((c) => c.triggerId === p.id),
  );
  const own = crm ? enrichment.recipients[crm.ownMode(event.objectType)] : undefined;
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
