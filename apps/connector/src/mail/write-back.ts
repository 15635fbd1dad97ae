import type { CrmRef, MailStatusReport, Trigger } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Database } from '../db/types.js';
import type { OutboxPayload } from '../store/outbox-payload.js';
import { outboxRow } from '../store/outbox-row.js';
import { DEFAULT_MAIL_STATUS_CONFIG } from './config.js';

/** Whether the recipient's CRM notes pieces on its record (the adapter registry decides). */
export type WriteBackEnabled = (workspace: WorkspaceConfig, recipient: CrmRef) => boolean;

type MailActivity = Extract<OutboxPayload, { type: 'mail_activity' }>;

const LABELS: Record<string, string> = {
  handed_off: 'handed to the mail platform',
  accepted: 'accepted by the mail platform',
  rejected: 'rejected by the mail platform',
  printed: 'printed',
  mailed: 'mailed',
  in_transit: 'in transit',
  delivered: 'delivered',
  returned_to_sender: 'returned to sender',
  address_corrected: 'address corrected by the mail platform',
  cancelled: 'cancelled',
};

/** The text an activity shows in the CRM: campaign, where the piece is, tracking. */
export function activityText(
  campaignName: string,
  triggerId: string,
  report: Pick<
    MailStatusReport,
    'status' | 'trackingId' | 'carrier' | 'expectedDeliveryAt' | 'reason'
  > | null,
): { subject: string; body: string } {
  const status = report?.status ?? 'handed_off';
  const label = LABELS[status] ?? status;
  const details = [
    report?.trackingId
      ? `tracking ${report.trackingId}${report.carrier ? ` (${report.carrier})` : ''}`
      : null,
    report?.expectedDeliveryAt ? `expected ${report.expectedDeliveryAt}` : null,
    report?.reason ? `reason: ${report.reason}` : null,
  ].filter((part): part is string => part !== null);
  return {
    // Same subject as the hand-off row the dispatcher writes.
    subject: status === 'handed_off' ? 'Direct mail sent' : `Direct mail ${label}`,
    body: `Direct mail "${campaignName}" ${label}${details.length ? `; ${details.join('; ')}` : ''} (piece ${triggerId}).`,
  };
}

/** The fields every `mail_activity` row of a piece shares. */
function activityBase(
  trigger: { id: string; campaign_id: string },
  payload: Trigger,
  text: { subject: string; body: string },
  occurredAt: number,
) {
  const { platform, objectType, objectId } = payload.recipient.crm;
  return {
    type: 'mail_activity' as const,
    platform,
    objectType,
    objectId,
    triggerId: trigger.id,
    campaignId: trigger.campaign_id,
    ...text,
    occurredAt,
  };
}

/**
 * Queues the CRM write-back of one status report in the caller's transaction: the piece's
 * activity (HubSpot postal-mail engagement, Salesforce Task) and the record's last-mail
 * fields, when the workspace writes back this status (`mailStatus.writeBack`); and the
 * corrected address, when `mailStatus.addressCorrections` is on. Statuses that did not move
 * the piece are not written: the CRM shows where the piece is, not the order reports came in.
 */
export async function queueWriteBack(
  trx: Kysely<Database>,
  input: {
    workspace: WorkspaceConfig;
    writeBackEnabled: WriteBackEnabled;
    trigger: { id: string; campaign_id: string; workspace_id: string };
    payload: Trigger;
    report: MailStatusReport;
    moved: boolean;
    now: number;
  },
): Promise<number> {
  const { workspace, trigger, payload, report, moved, now } = input;
  if (!input.writeBackEnabled(workspace, payload.recipient.crm)) return 0;
  const settings = workspace.mailStatus ?? DEFAULT_MAIL_STATUS_CONFIG;
  const correction = report.status === 'address_corrected' && settings.addressCorrections && report.address;
  const wanted =
    settings.writeBack.includes(report.status) && (moved || report.status === 'address_corrected');
  if (!wanted && !correction) return 0;
  const text = activityText(payload.campaign.name, trigger.id, report);
  const activity: MailActivity = {
    ...activityBase(trigger, payload, text, Date.parse(report.occurredAt)),
    status: report.status,
    trackingId: report.trackingId ?? null,
    carrier: report.carrier ?? null,
    expectedDeliveryAt: report.expectedDeliveryAt ?? null,
    reason: report.reason ?? null,
    ...(correction && report.address
      ? {
          correctedAddress: {
            line1: report.address.line1 ?? null,
            line2: report.address.line2 ?? null,
            postalCode: report.address.postalCode ?? null,
            city: report.address.city ?? null,
            region: report.address.region ?? null,
            country: report.address.country?.toUpperCase() ?? null,
          },
        }
      : {}),
  };
  await trx
    .insertInto('outbox')
    .values(outboxRow(trigger.workspace_id, activity, now))
    .execute();
  return 1;
}

/** Whether the workspace writes a piece's hand-off back (`mailStatus.writeBack` holds `handed_off`). */
export const writesHandOff = (workspace: WorkspaceConfig): boolean =>
  (workspace.mailStatus ?? DEFAULT_MAIL_STATUS_CONFIG).writeBack.includes('handed_off');
