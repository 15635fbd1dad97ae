import type { Selectable } from 'kysely';
import type { DecisionTable, DeliveryAttemptTable, EventTable, TriggerTable } from '../db/types.js';
import { eventFromRow } from '../store/event-row.js';
import { readTriggerPayload } from '../store/trigger-row.js';

/** Epoch ms (as stored) → ISO-8601; null stays null. */
export const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(Number(ms)).toISOString();

/** The stored campaign trigger; `{ purged: true }` after a privacy deletion; the raw text if unreadable. */
function storedPayload(text: string): unknown {
  try {
    return readTriggerPayload(text) ?? { purged: true };
  } catch {
    return text;
  }
}

export function eventItem(row: Selectable<EventTable>) {
  return {
    id: row.id,
    platform: row.platform,
    accountId: row.account_id,
    workspace: row.workspace_id,
    objectType: row.object_type,
    objectId: row.object_id,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    occurredAt: iso(row.occurred_at),
    receivedAt: iso(row.received_at),
    attempts: Number(row.attempts),
  };
}

export function eventDetail(row: Selectable<EventTable>) {
  return {
    ...eventItem(row),
    externalId: row.external_id,
    channel: row.channel,
    rawDeliveryId: row.raw_delivery_id,
    processedAt: iso(row.processed_at),
    payload: eventFromRow(row),
  };
}

export function decisionItem(row: Selectable<DecisionTable>) {
  return {
    campaignId: row.campaign_id,
    outcome: row.outcome,
    reason: row.reason,
    detail: row.detail,
    triggerId: row.trigger_id,
    /** The recipient the decision checked (`hubspot:contact:7005`), null when there was none. */
    recipientRef: row.recipient_ref === '' ? null : row.recipient_ref,
  };
}

/** Decisions (ordered by run) grouped into runs: `[{ run, decidedAt, decisions }]`, oldest first. */
export function decisionRuns(rows: readonly Selectable<DecisionTable>[]) {
  const runs: { run: number; decidedAt: string | null; decisions: ReturnType<typeof decisionItem>[] }[] = [];
  for (const row of rows) {
    const run = Number(row.run);
    let last = runs.at(-1);
    if (last?.run !== run) {
      last = { run, decidedAt: iso(row.created_at), decisions: [] };
      runs.push(last);
    }
    last.decisions.push(decisionItem(row));
  }
  return runs;
}

export function triggerItem(row: Selectable<TriggerTable>) {
  return {
    id: row.id,
    workspace: row.workspace_id,
    campaign: row.campaign_id,
    destination: row.destination,
    eventId: row.event_id,
    /** The record the piece goes to (`hubspot:contact:7005`). */
    recipientRef: row.recipient_ref,
    status: row.status,
    reason: row.reason,
    attemptCount: Number(row.attempts),
    lastError: row.last_error,
    sendAt: iso(row.send_at),
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deliveredAt: iso(row.delivered_at),
  };
}

export function attemptItem(row: Selectable<DeliveryAttemptTable>) {
  return {
    attempt: Number(row.attempt),
    startedAt: iso(row.started_at),
    durationMs: Number(row.duration_ms),
    statusCode: row.status_code,
    outcome: row.outcome,
    error: row.error,
    responseBody: row.response_body,
  };
}

export function triggerDetail(row: Selectable<TriggerTable>, attempts: Selectable<DeliveryAttemptTable>[]) {
  return {
    ...triggerItem(row),
    dedupeKey: row.dedupe_key,
    callbackId: row.callback_id,
    payload: storedPayload(row.payload),
    attempts: attempts.map(attemptItem),
  };
}
