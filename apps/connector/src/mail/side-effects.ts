import type { CrmWriteBack, CrmWriteBackResult, MailStatus } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Database } from '../db/types.js';
import type { OutboxPayload } from '../store/outbox-payload.js';
import { runPlatformCancel } from './cancel.js';
import { triggerPayload } from './consequences.js';
import { activityText } from './write-back.js';

type MailActivity = Extract<OutboxPayload, { type: 'mail_activity' }>;
type PlatformCancel = Extract<OutboxPayload, { type: 'platform_cancel' }>;

export interface MailSideEffectsOptions {
  db: Kysely<Database>;
  /** Performs a write-back against the CRM its `platform` names (the adapter registry). */
  performWriteBack(workspace: WorkspaceConfig, request: CrmWriteBack): Promise<CrmWriteBackResult>;
}

/**
 * Runs the outbox rows of the way back: `mail_activity` (the piece's CRM activity, created at
 * hand-off and updated as it moves, kept by id on the trigger; the record's last-mail fields;
 * a corrected address — the CRM's adapter performs it) and `platform_cancel` (a signed call
 * to the mail platform). Both throw to be retried by the outbox.
 */
export function createMailSideEffects({ db, performWriteBack }: MailSideEffectsOptions) {
  /**
   * The piece as it is now. Outbox rows may run in any order (a batch is claimed together),
   * so the CRM is written the piece's current state, not the row's snapshot: a late
   * `handed_off` row never overwrites `delivered`.
   */
  async function current(activity: MailActivity) {
    const row = await db
      .selectFrom('triggers')
      .select([
        'mail_activity_id',
        'mail_status',
        'mail_status_at',
        'mail_tracking_id',
        'mail_expected_delivery_at',
        'payload',
      ])
      .where('id', '=', activity.triggerId)
      .executeTakeFirst();
    const status = row?.mail_status ?? 'handed_off';
    const asQueued = status === (activity.status ?? 'handed_off');
    const campaign = row ? triggerPayload(row)?.campaign.name : undefined;
    const text =
      asQueued || !campaign
        ? { subject: activity.subject, body: activity.body }
        : activityText(campaign, activity.triggerId, {
            status: status as MailStatus,
            trackingId: row?.mail_tracking_id ?? null,
            carrier: null,
            expectedDeliveryAt: row?.mail_expected_delivery_at ?? null,
            reason: null,
          });
    return {
      activityId: row?.mail_activity_id ?? null,
      status,
      ...text,
      occurredAt: new Date(
        asQueued || !row?.mail_status_at ? activity.occurredAt : Number(row.mail_status_at),
      ),
      trackingId: row?.mail_tracking_id ?? activity.trackingId ?? null,
    };
  }
  const keep = (triggerId: string, id: string) =>
    db.updateTable('triggers').set({ mail_activity_id: id }).where('id', '=', triggerId).execute();

  /** One `mail_activity` row, written as the piece is now; keeps the CRM activity's id on the piece. */
  async function activity(workspace: WorkspaceConfig, row: MailActivity): Promise<void> {
    const now = await current(row);
    const written = await performWriteBack(workspace, {
      ...row,
      status: now.status,
      subject: now.subject,
      body: now.body,
      occurredAt: now.occurredAt.getTime(),
      trackingId: now.trackingId,
      activityId: now.activityId,
    });
    if (written.activityId && written.activityId !== now.activityId)
      await keep(row.triggerId, written.activityId);
  }

  return {
    activity,
    cancel: async (workspace: WorkspaceConfig, row: PlatformCancel): Promise<void> => {
      await runPlatformCancel(db, workspace, row);
    },
  };
}
