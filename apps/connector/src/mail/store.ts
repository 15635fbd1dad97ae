import { applyStatus, type MailStatus, type MailStatusReport } from '@hookpost/core';
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database, MailStatusTable } from '../db/types.js';
import type { TriggerRow } from '../queue/claim.js';
import { newId } from '../store/ids.js';

export interface RecordedStatus {
  /** The report id was seen before for this destination: nothing changed. */
  duplicate: boolean;
  /** The report moved the piece's current status forward. */
  moved: boolean;
  previous: MailStatus | null;
  current: MailStatus | null;
  /** The trigger as it was before the report. */
  trigger: TriggerRow;
}

/**
 * Appends one report to the piece's timeline and moves its current status forward (never
 * back: `applyStatus`), in the caller's transaction. Idempotent on the report id per
 * destination (UNIQUE constraint): a repeated report returns `duplicate`. On PostgreSQL the
 * trigger row is locked first so two reports for one piece cannot interleave; SQLite has a
 * single writer.
 */
export async function recordMailStatus(
  trx: Kysely<Database>,
  dialect: Dialect,
  input: {
    workspaceId: string;
    destination: string;
    triggerId: string;
    report: MailStatusReport;
    now: number;
  },
): Promise<RecordedStatus | null> {
  const { workspaceId, destination, triggerId, report, now } = input;
  let select = trx.selectFrom('triggers').selectAll().where('id', '=', triggerId);
  if (dialect === 'postgres') select = select.forUpdate();
  const trigger = await select.executeTakeFirst();
  if (!trigger) return null;
  const previous = (trigger.mail_status as MailStatus | null) ?? null;
  const current = applyStatus(previous, report.status);
  const moved = current !== previous;
  const inserted = await trx
    .insertInto('mail_statuses')
    .values({
      id: newId('mst'),
      workspace_id: workspaceId,
      destination,
      report_id: report.id,
      trigger_id: triggerId,
      status: report.status,
      occurred_at: Date.parse(report.occurredAt),
      received_at: now,
      tracking_id: report.trackingId ?? null,
      carrier: report.carrier ?? null,
      expected_delivery_at: report.expectedDeliveryAt ?? null,
      reason: report.reason ?? null,
      address: report.address ? JSON.stringify(report.address) : null,
      applied: moved ? 1 : 0,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'destination', 'report_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return { duplicate: true, moved: false, previous, current: previous, trigger };
  await trx
    .updateTable('triggers')
    .set({
      ...(moved ? { mail_status: current, mail_status_at: Date.parse(report.occurredAt) } : {}),
      // Tracking details are facts about the piece whatever order they arrive in.
      ...(report.trackingId ? { mail_tracking_id: report.trackingId } : {}),
      ...(report.expectedDeliveryAt ? { mail_expected_delivery_at: report.expectedDeliveryAt } : {}),
      updated_at: now,
    })
    .where('id', '=', triggerId)
    .execute();
  return { duplicate: false, moved, previous, current, trigger };
}

/** A piece's timeline, oldest report first (by when it happened, then when it arrived). */
export async function mailTimeline(
  db: Kysely<Database>,
  triggerId: string,
): Promise<Selectable<MailStatusTable>[]> {
  return db
    .selectFrom('mail_statuses')
    .selectAll()
    .where('trigger_id', '=', triggerId)
    .orderBy('occurred_at')
    .orderBy('received_at')
    .execute();
}
