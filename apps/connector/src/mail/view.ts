import type { Kysely, Selectable } from 'kysely';
import type { Database, TriggerTable } from '../db/types.js';
import { mailTimeline } from './store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/**
 * A piece's way back for the admin API (`GET /api/triggers/:id` → `mail`): its current
 * status as the mail platform reported it, tracking, corrected address, a cancel at the
 * platform and the timeline of every report, oldest first (with `applied: false` for
 * reports that arrived after a later status and did not move the piece).
 */
export async function mailView(db: Kysely<Database>, row: Selectable<TriggerTable>) {
  const timeline = await mailTimeline(db, row.id);
  return {
    status: row.mail_status,
    statusAt: iso(row.mail_status_at),
    trackingId: row.mail_tracking_id,
    expectedDeliveryAt: row.mail_expected_delivery_at,
    correctedAddress: json(row.corrected_address),
    crmActivityId: row.mail_activity_id,
    platformCancel:
      row.platform_cancel === null
        ? null
        : { status: row.platform_cancel, detail: row.platform_cancel_detail },
    timeline: timeline.map((entry) => ({
      id: entry.report_id,
      status: entry.status,
      occurredAt: iso(entry.occurred_at),
      receivedAt: iso(entry.received_at),
      trackingId: entry.tracking_id,
      carrier: entry.carrier,
      expectedDeliveryAt: entry.expected_delivery_at,
      reason: entry.reason,
      address: json(entry.address),
      applied: Number(entry.applied) === 1,
    })),
  };
}
