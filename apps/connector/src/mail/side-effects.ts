import type { MailStatus } from '@hookpost/core';
import {
  type HubSpotClient,
  writeMailActivity as writeHubSpotActivity,
  writeCorrectedAddress as writeHubSpotAddress,
} from '@hookpost/hubspot';
import {
  type SalesforceClient,
  writeMailActivity as writeSalesforceActivity,
  writeCorrectedAddress as writeSalesforceAddress,
} from '@hookpost/salesforce';
import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Database, OutboxTable } from '../db/types.js';
import { type OutboxPayload, outboxPayloadSchema } from '../store/outbox-payload.js';
import { runPlatformCancel } from './cancel.js';
import { triggerPayload } from './consequences.js';
import { activityText } from './write-back.js';

type MailActivity = Extract<OutboxPayload, { type: 'mail_activity' }>;

export interface MailSideEffectsOptions {
  db: Kysely<Database>;
  hubspot(workspace: WorkspaceConfig): HubSpotClient | null;
  salesforce(workspace: WorkspaceConfig): SalesforceClient | null;
}

/** A corrected address from an outbox row, every part present. */
const corrected = (a: Record<string, string | null>) => ({
  line1: a.line1 ?? null,
  line2: a.line2 ?? null,
  postalCode: a.postalCode ?? null,
  city: a.city ?? null,
  region: a.region ?? null,
  country: a.country ?? null,
});

/** The outbox kinds of the way back. */
export const MAIL_OUTBOX_KINDS: ReadonlySet<OutboxTable['kind']> = new Set([
  'mail_activity',
  'platform_cancel',
]);

/**
 * Runs the outbox rows of the way back: `mail_activity` (the piece's CRM activity, created at
 * hand-off and updated as it moves, kept by id on the trigger; the record's last-mail fields;
 * a corrected address) and `platform_cancel`. Throws to be retried by the outbox.
 */
export function createMailSideEffects({ db, hubspot, salesforce }: MailSideEffectsOptions) {
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

  async function hubspotActivity(workspace: WorkspaceConfig, activity: MailActivity): Promise<void> {
    const client = hubspot(workspace);
    if (!client)
      throw new Error(`workspace ${workspace.id} has no HubSpot API access (token or installation)`);
    // Postal-mail engagements associate with contacts (association type 453).
    if (activity.objectType !== 'contact') return;
    const now = await current(activity);
    const engagementId = now.activityId;
    const written = await writeHubSpotActivity(client, {
      contactId: activity.objectId,
      status: now.status,
      body: now.body,
      occurredAt: now.occurredAt,
      trackingId: now.trackingId,
      engagementId,
    });
    if (written.engagementId !== engagementId) await keep(activity.triggerId, written.engagementId);
    if (activity.correctedAddress)
      await writeHubSpotAddress(client, activity.objectId, corrected(activity.correctedAddress));
  }

  async function salesforceActivity(workspace: WorkspaceConfig, activity: MailActivity): Promise<void> {
    const client = salesforce(workspace);
    if (!client)
      throw new Error(`workspace ${workspace.id} has no Salesforce API access (instanceUrl and auth)`);
    // Tasks name a person (WhoId): a Contact or a Lead.
    if (activity.objectType !== 'contact' && activity.objectType !== 'lead') return;
    const now = await current(activity);
    const taskId = now.activityId;
    const written = await writeSalesforceActivity(client, {
      whoId: activity.objectId,
      status: now.status,
      subject: now.subject,
      description: now.body,
      occurredAt: now.occurredAt,
      trackingId: now.trackingId,
      taskId,
    });
    if (written.taskId !== taskId) await keep(activity.triggerId, written.taskId);
    if (activity.correctedAddress)
      await writeSalesforceAddress(client, activity.objectId, corrected(activity.correctedAddress));
  }

  return async function runMailSideEffect(workspace: WorkspaceConfig, raw: unknown): Promise<void> {
    const parsed = outboxPayloadSchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(`outbox row is not a mail side effect: ${parsed.error.issues[0]?.message}`);
    const payload = parsed.data;
    if (payload.type === 'platform_cancel') {
      await runPlatformCancel(db, workspace, payload);
      return;
    }
    if (payload.type !== 'mail_activity') throw new Error(`unexpected outbox payload ${payload.type}`);
    if (payload.platform === 'hubspot') return hubspotActivity(workspace, payload);
    if (payload.platform === 'salesforce') return salesforceActivity(workspace, payload);
    throw new Error(`no CRM write-back for platform ${payload.platform}`);
  };
}
