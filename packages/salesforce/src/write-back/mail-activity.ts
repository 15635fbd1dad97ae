import { type CorrectedAddress, type CrmWriteBack, correctedAddressFrom } from '@hookpost/core';
import type { SalesforceClient } from '../client/client.js';

/** Custom fields Hookpost writes on Contact and Lead (shipped in the Salesforce package). */
export const MAIL_RECORD_FIELDS = {
  status: 'Hookpost_Last_Mail_Status__c',
  date: 'Hookpost_Last_Mail_Date__c',
  trackingId: 'Hookpost_Last_Mail_Tracking_Id__c',
} as const;

const LEAD_PREFIX = '00Q';

/** One move of a mail piece, as written to Salesforce. */
export interface MailActivityInput {
  /** The Contact (`003…`) or Lead (`00Q…`) the piece was addressed to. */
  whoId: string;
  /** `handed_off`, or the mail platform's status (`mailed`, `delivered`, …). */
  status: string;
  subject: string;
  description: string;
  occurredAt: Date;
  trackingId?: string | null;
  /** The piece's Task from an earlier call; without it one is created. */
  taskId?: string | null;
  /** Also set the record's `Hookpost_Last_Mail_*__c` fields (default true). */
  recordFields?: boolean;
}

/**
 * Records a mail piece's journey in Salesforce: one Task per piece (`Status` Completed,
 * created at the first call, then updated with the latest subject and description), and the
 * Contact's or Lead's last-mail fields, which flows and reports can filter on. A Task write
 * does not re-fire the Contact's outbound message. Keep the returned `taskId` for the next
 * move. Errors are the client's (`HookpostSalesforceError`).
 *
 * @example
 * const { taskId } = await writeMailActivity(client, { whoId: '003…', status: 'mailed', subject: 'Direct mail mailed', description: '…', occurredAt: new Date() });
 */
export async function writeMailActivity(
  client: SalesforceClient,
  input: MailActivityInput,
): Promise<{ taskId: string }> {
  let taskId = input.taskId ?? null;
  if (taskId) {
    await client.updateRecord('Task', taskId, { Subject: input.subject, Description: input.description });
  } else {
    taskId = (
      await client.createTask(input.whoId, { subject: input.subject, description: input.description })
    ).id;
  }
  if (input.recordFields !== false) {
    await client.updateRecord(recordType(input.whoId), input.whoId, {
      [MAIL_RECORD_FIELDS.status]: input.status,
      [MAIL_RECORD_FIELDS.date]: input.occurredAt.toISOString().slice(0, 10),
      ...(input.trackingId ? { [MAIL_RECORD_FIELDS.trackingId]: input.trackingId } : {}),
    });
  }
  return { taskId };
}

export type { CorrectedAddress } from '@hookpost/core';

/**
 * Writes an address the mail platform corrected to a Contact's `Mailing…` or a Lead's
 * address fields (street lines joined by a line break, as Salesforce stores them); empty
 * parts are left as they are. The country goes to `…Country` as the alpha-2 code.
 */
export async function writeCorrectedAddress(
  client: SalesforceClient,
  whoId: string,
  address: CorrectedAddress,
): Promise<void> {
  const lead = recordType(whoId) === 'Lead';
  const prefix = lead ? '' : 'Mailing';
  const street = [address.line1, address.line2].filter(Boolean).join('\n');
  const fields: Record<string, string> = {};
  if (street) fields[`${prefix}Street`] = street;
  if (address.postalCode) fields[`${prefix}PostalCode`] = address.postalCode;
  if (address.city) fields[`${prefix}City`] = address.city;
  if (address.region) fields[`${prefix}State`] = address.region;
  if (address.country) fields[`${prefix}Country`] = address.country;
  if (Object.keys(fields).length > 0) await client.updateRecord(recordType(whoId), whoId, fields);
}

function recordType(whoId: string): 'Contact' | 'Lead' {
  return whoId.startsWith(LEAD_PREFIX) ? 'Lead' : 'Contact';
}

/**
 * Performs a host's `mail_activity` write-back on a Contact or Lead: the piece's Task
 * (created, or updated when `activityId` names it), the record's last-mail fields and, with
 * `correctedAddress`, its address. Tasks name a person (`WhoId`), so other object types are
 * skipped (`{}`).
 */
export async function performMailActivity(
  client: SalesforceClient,
  request: Extract<CrmWriteBack, { type: 'mail_activity' }>,
): Promise<{ activityId?: string }> {
  if (request.objectType !== 'contact' && request.objectType !== 'lead') return {};
  const written = await writeMailActivity(client, {
    whoId: request.objectId,
    status: request.status ?? 'handed_off',
    subject: request.subject,
    description: request.body,
    occurredAt: new Date(request.occurredAt),
    trackingId: request.trackingId ?? null,
    taskId: request.activityId ?? null,
  });
  if (request.correctedAddress)
    await writeCorrectedAddress(client, request.objectId, correctedAddressFrom(request.correctedAddress));
  return { activityId: written.taskId };
}
