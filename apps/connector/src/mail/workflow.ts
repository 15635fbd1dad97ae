import { isTerminalMailStatus, type MailStatus, mailStatusRank } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { platformOf } from '../dispatch/effects.js';
import type { OutboxPayload } from '../store/outbox-payload.js';
import { outboxRow } from '../store/outbox-row.js';

/** Statuses a CRM's "Send direct mail" workflow action can wait for (input field `wait_for`). */
export type WaitFor = 'mailed' | 'delivered';

/**
 * The status the workflow action that created this piece waits for, read from the action's
 * input fields kept with the event (`wait_for`: `handed_off` default, `mailed`, `delivered`).
 * Null when the action completes at hand-off, or the piece came from no workflow action.
 */
export async function callbackWaitsFor(db: Kysely<Database>, eventId: string): Promise<WaitFor | null> {
  const row = await db.selectFrom('events').select('payload').where('id', '=', eventId).executeTakeFirst();
  if (!row) return null;
  try {
    const payload = JSON.parse(row.payload) as { source?: { inputFields?: Record<string, unknown> } };
    const wanted = payload.source?.inputFields?.wait_for ?? payload.source?.inputFields?.waitFor;
    return wanted === 'mailed' || wanted === 'delivered' ? wanted : null;
  } catch {
    return null;
  }
}

/** The dispatcher's side effects without the workflow callback, when the action waits for a mail status. */
export function deferCallback(effects: OutboxPayload[], waitFor: WaitFor | null): OutboxPayload[] {
  if (waitFor === null) return effects;
  return effects.filter((effect) => effect.type !== 'workflow_callback');
}

const reached = (status: MailStatus | null, wanted: WaitFor) =>
  status !== null &&
  !isTerminalMailStatus(status) &&
  (mailStatusRank(status) ?? 0) >= (mailStatusRank(wanted) ?? 0);

/**
 * Completes a waiting workflow action when a report moves the piece to the status it waits
 * for (`SUCCESS`, with output fields `hookpost_mail_status`, `hookpost_tracking_id`,
 * `hookpost_expected_delivery` for later workflow steps), or ends it before that
 * (`rejected`, `returned_to_sender`, `cancelled`: `FAIL_CONTINUE`). Fires once: only on the
 * report that crosses the line. Queued in the caller's transaction.
 * https://developers.hubspot.com/docs/api/automation/custom-workflow-actions (callbacks)
 */
export async function completeWaitingCallback(
  trx: Kysely<Database>,
  input: {
    trigger: {
      workspace_id: string;
      event_id: string;
      callback_id: string | null;
      status: string;
      /** `platform:objectType:objectId` of the event that created the piece: the workflow's CRM. */
      source_ref: string;
    };
    previous: MailStatus | null;
    current: MailStatus | null;
    trackingId: string | null;
    expectedDeliveryAt: string | null;
    now: number;
  },
): Promise<boolean> {
  const { trigger, previous, current, now } = input;
  if (!trigger.callback_id || trigger.status !== 'delivered' || current === previous || current === null)
    return false;
  const wanted = await callbackWaitsFor(trx, trigger.event_id);
  if (wanted === null || reached(previous, wanted)) return false;
  const success = reached(current, wanted);
  const failed = isTerminalMailStatus(current);
  if (!success && !failed) return false;
  const payload: Extract<OutboxPayload, { type: 'workflow_callback' }> = {
    type: 'workflow_callback',
    platform: platformOf(trigger.source_ref),
    callbackId: trigger.callback_id,
    state: success ? 'SUCCESS' : 'FAIL_CONTINUE',
    reason: success ? null : `mail ${current}`,
    outputFields: {
      hookpost_mail_status: current,
      hookpost_tracking_id: input.trackingId ?? '',
      hookpost_expected_delivery: input.expectedDeliveryAt ?? '',
    },
  };
  await trx
    .insertInto('outbox')
    .values(outboxRow(trigger.workspace_id, payload, now))
    .execute();
  return true;
}
