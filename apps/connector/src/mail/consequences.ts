import { hashAddress, type MailStatusReport, type PostalAddress, type Trigger } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { TriggerRow } from '../queue/claim.js';
import { newId } from '../store/ids.js';
import { readTriggerPayload } from '../store/trigger-row.js';

export const RETURNED_REASON = 'returned_to_sender';

/** The trigger's payload, or null when a privacy deletion purged it. */
export function triggerPayload(row: Pick<TriggerRow, 'payload'>): Trigger | null {
  try {
    return readTriggerPayload(row.payload);
  } catch {
    return null;
  }
}

function toPostalAddress(address: NonNullable<MailStatusReport['address']>): PostalAddress {
  return {
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    postalCode: address.postalCode ?? null,
    city: address.city ?? null,
    region: address.region ?? null,
    country: address.country?.toUpperCase() ?? null,
  };
}

/**
 * What a status means beyond the timeline, in the caller's transaction:
 * - `returned_to_sender`: the postal address the piece went to (and the one the report
 *   names) goes on the suppression list as a hash (`kind: address`), which the campaign
 *   policies and the pre-hand-off check already consult. A new address in the CRM hashes
 *   differently, so the person can be mailed again once their address changes.
 * - `rejected`: the piece is `dead`, with the platform's reason.
 * - `address_corrected`: the corrected address is kept on the piece.
 * - `cancelled`: a cancel Hookpost requested is confirmed.
 */
export async function applyConsequences(
  trx: Kysely<Database>,
  input: { trigger: TriggerRow; payload: Trigger | null; report: MailStatusReport; now: number },
): Promise<{ suppressed: number; dead: boolean }> {
  const { trigger, payload, report, now } = input;
  let suppressed = 0;
  let dead = false;
  if (report.status === 'returned_to_sender') {
    const hashes = new Set<string>();
    const mailed = payload ? hashAddress(payload.recipient.address) : null;
    if (mailed) hashes.add(mailed);
    const reported = report.address ? hashAddress(toPostalAddress(report.address)) : null;
    if (reported) hashes.add(reported);
    for (const value of hashes) {
      const row = await trx
        .insertInto('suppressions')
        .values({
          id: newId('sup'),
          workspace_id: trigger.workspace_id,
          kind: 'address',
          value,
          reason: RETURNED_REASON,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'value']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) suppressed += 1;
    }
  }
  if (report.status === 'rejected' && trigger.status !== 'dead') {
    await trx
      .updateTable('triggers')
      .set({
        status: 'dead',
        reason: `rejected by the mail platform: ${report.reason ?? 'no reason given'}`,
        updated_at: now,
      })
      .where('id', '=', trigger.id)
      .execute();
    dead = true;
  }
  if (report.status === 'address_corrected' && report.address) {
    await trx
      .updateTable('triggers')
      .set({ corrected_address: JSON.stringify(toPostalAddress(report.address)), updated_at: now })
      .where('id', '=', trigger.id)
      .execute();
  }
  if (report.status === 'cancelled' && trigger.platform_cancel === 'requested') {
    await trx
      .updateTable('triggers')
      .set({ platform_cancel: 'cancelled', platform_cancel_detail: report.reason ?? null, updated_at: now })
      .where('id', '=', trigger.id)
      .execute();
  }
  return { suppressed, dead };
}
