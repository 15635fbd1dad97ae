import { applyStatus, type MailStatus, parseDurationMs, signWebhook } from '@hookpost/core';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Database } from '../db/types.js';
import type { OutboxPayload } from '../store/outbox-payload.js';
import { outboxRow } from '../store/outbox-row.js';
import { completeWaitingCallback } from './workflow.js';

type PlatformCancel = Extract<OutboxPayload, { type: 'platform_cancel' }>;

/** Platform statuses after which a cancel cannot help (already ended). */
const ENDED = new Set(['rejected', 'returned_to_sender', 'cancelled', 'delivered']);
const KEPT_RESPONSE_CHARS = 500;

/**
 * Asks for a piece that was already handed off to be cancelled at the mail platform: marks
 * it `platform_cancel: requested` and queues a `platform_cancel` outbox row, in the caller's
 * transaction. Does nothing (returns false) for a piece that was not delivered, whose cancel
 * was already requested, or that the platform reported as ended. Whether the destination
 * can cancel (`cancelUrl`) is decided when the row runs, where the configuration is known.
 */
export async function requestPlatformCancel(
  trx: Kysely<Database>,
  input: { triggerId: string; reason: string; now: number },
): Promise<boolean> {
  const row = await trx
    .selectFrom('triggers')
    .select(['id', 'status', 'workspace_id', 'destination', 'platform_cancel', 'mail_status'])
    .where('id', '=', input.triggerId)
    .executeTakeFirst();
  if (row?.status !== 'delivered' || row.platform_cancel !== null) return false;
  if (row.mail_status !== null && ENDED.has(row.mail_status)) return false;
  const updated = await trx
    .updateTable('triggers')
    .set({ platform_cancel: 'requested', platform_cancel_detail: input.reason, updated_at: input.now })
    .where('id', '=', row.id)
    .where('platform_cancel', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  const payload: PlatformCancel = {
    type: 'platform_cancel',
    triggerId: row.id,
    destination: row.destination,
    reason: input.reason,
  };
  await trx
    .insertInto('outbox')
    .values(outboxRow(row.workspace_id, payload, input.now))
    .execute();
  return true;
}

/** The outcome of a cancel at the platform, as kept on the piece. */
export type PlatformCancelOutcome = 'cancelled' | 'too_late' | 'failed' | 'unsupported';

async function record(
  db: Kysely<Database>,
  triggerId: string,
  outcome: PlatformCancelOutcome,
  detail: string,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('triggers')
      .select([
        'mail_status',
        'workspace_id',
        'event_id',
        'callback_id',
        'source_ref',
        'status',
        'mail_tracking_id',
        'mail_expected_delivery_at',
      ])
      .where('id', '=', triggerId)
      .executeTakeFirst();
    const mailStatus =
      outcome === 'cancelled'
        ? applyStatus((row?.mail_status as MailStatus | null) ?? null, 'cancelled')
        : undefined;
    await trx
      .updateTable('triggers')
      .set({
        platform_cancel: outcome,
        platform_cancel_detail: detail,
        ...(mailStatus !== undefined ? { mail_status: mailStatus } : {}),
        updated_at: now,
      })
      .where('id', '=', triggerId)
      .execute();
    // A workflow action still waiting for this piece continues on its failure branch.
    if (row && mailStatus !== undefined)
      await completeWaitingCallback(trx, {
        trigger: row,
        previous: (row.mail_status as MailStatus | null) ?? null,
        current: mailStatus,
        trackingId: row.mail_tracking_id,
        expectedDeliveryAt: row.mail_expected_delivery_at,
        now,
      });
  });
}

/**
 * Runs one `platform_cancel` row: a signed `POST` (Standard Webhooks, the destination's
 * `secret`) of `{"type":"campaign.cancel","id":"trg_…","reason":"…"}` to `cancelUrl` with
 * `{id}` replaced. 2xx: cancelled there; 409: too late (already printed), kept with the
 * platform's answer; another 4xx: failed, kept. 408, 429, 5xx, timeouts and network errors
 * throw, so the outbox retries with back-off like any side effect. The `webhook-id` is
 * `<trigger id>.cancel`, the same on every retry and distinct from the trigger's own.
 */
export async function runPlatformCancel(
  db: Kysely<Database>,
  workspace: WorkspaceConfig,
  payload: PlatformCancel,
  now: () => number = Date.now,
): Promise<PlatformCancelOutcome> {
  const destination = workspace.destinations[payload.destination];
  if (destination?.type !== 'webhook' || !destination.cancelUrl) {
    const why = `destination "${payload.destination}" has no cancelUrl: cancel the piece at the platform by hand`;
    await record(db, payload.triggerId, 'unsupported', why, now());
    return 'unsupported';
  }
  const url = destination.cancelUrl.replaceAll('{id}', encodeURIComponent(payload.triggerId));
  const body = { type: 'campaign.cancel', id: payload.triggerId, reason: payload.reason };
  const signed = signWebhook(`${payload.triggerId}.cancel`, body, destination.secret, {
    timestamp: new Date(now()),
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Hookpost/0.1', ...signed.headers },
    body: signed.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(parseDurationMs(destination.timeout) ?? 10_000),
  });
  const text = (await response.text().catch(() => '')).slice(0, KEPT_RESPONSE_CHARS);
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500 || status < 200) {
    throw new Error(`cancel at the platform answered HTTP ${status}; will retry`);
  }
  const outcome: PlatformCancelOutcome = status < 300 ? 'cancelled' : status === 409 ? 'too_late' : 'failed';
  await record(db, payload.triggerId, outcome, `HTTP ${status}${text ? `: ${text}` : ''}`, now());
  return outcome;
}

/**
 * SQL filter for delivered pieces that a reversal may still cancel at the platform: no
 * cancel requested yet, and not reported beyond `accepted` (once printed it is too late).
 */
export function cancellableAfterHandOff(eb: ExpressionBuilder<Database, 'triggers'>) {
  return eb.and([
    eb('status', '=', 'delivered'),
    eb('platform_cancel', 'is', null),
    eb.or([eb('mail_status', 'is', null), eb('mail_status', '=', 'accepted')]),
  ]);
}
