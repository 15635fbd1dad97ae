import type { CrmRef } from '@hookpost/core';
import type { WorkspaceConfig } from '../config/schema.js';
import { writesHandOff } from '../mail/write-back.js';
import type { OutboxPayload } from '../store/outbox-payload.js';
import type { TriggerItem } from '../store/trigger-row.js';

/** How a trigger ended, as far as side effects care. */
export type TriggerEnd = 'delivered' | 'dead' | 'cancelled';

/** The platform of a `platform:objectType:objectId` reference. */
export const platformOf = (ref: string): string => ref.slice(0, Math.max(0, ref.indexOf(':')));

/**
 * Completes the CRM workflow step waiting on a piece: `SUCCESS` when it was handed off,
 * `FAIL_CONTINUE` otherwise (the record continues down the workflow). The workflow belongs
 * to the CRM whose event created the trigger (its `source_ref`).
 */
export function workflowCallback(
  trigger: Pick<TriggerItem, 'callback_id' | 'source_ref'>,
  end: TriggerEnd,
  reason: string | null,
): OutboxPayload[] {
  if (!trigger.callback_id) return [];
  return [
    {
      type: 'workflow_callback',
      platform: platformOf(trigger.source_ref),
      callbackId: trigger.callback_id,
      state: end === 'delivered' ? 'SUCCESS' : 'FAIL_CONTINUE',
      reason,
    },
  ];
}

/**
 * The side effects of a trigger that ended: its workflow callback, and — when delivered
 * and `writeBackEnabled` says the recipient's CRM wants it (the adapter registry decides) —
 * a mail activity on the recipient's record (unless `mailStatus.writeBack` leaves out
 * `handed_off`); the way back updates that activity as the piece moves. No per-CRM branch: the payload names the
 * platform, its adapter performs it.
 */
export function effectsFor(
  trigger: TriggerItem,
  end: TriggerEnd,
  reason: string | null,
  workspace: WorkspaceConfig | undefined,
  at: number,
  writeBackEnabled: (workspace: WorkspaceConfig, recipient: CrmRef) => boolean,
): OutboxPayload[] {
  const effects = workflowCallback(trigger, end, reason);
  const payload = trigger.payload;
  if (end !== 'delivered' || !workspace || !payload) return effects;
  const { platform, objectType, objectId } = payload.recipient.crm;
  if (!writeBackEnabled(workspace, payload.recipient.crm) || !writesHandOff(workspace)) return effects;
  effects.push({
    type: 'mail_activity',
    platform,
    objectType,
    objectId,
    triggerId: trigger.id,
    campaignId: payload.campaign.id,
    subject: 'Direct mail sent',
    body: `Direct mail "${payload.campaign.name}" handed to the mail platform (trigger ${trigger.id}).`,
    occurredAt: at,
  });
  return effects;
}
