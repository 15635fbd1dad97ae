import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { requestPlatformCancel } from '../mail/cancel.js';
import { newId } from '../store/ids.js';
import { writeTombstone } from '../store/tombstones.js';
import { readRecipientHashes } from '../store/trigger-row.js';

const PURGED = '[purged: privacy deletion]';

/**
 * A privacy deletion (HubSpot `contact.privacyDeletion`, a Salesforce delete): cancel the
 * person's pending pieces, keep hashes on the suppression list so they are never mailed
 * again (GDPR Art. 21; keeping objectors listed is lawful, LG Stuttgart 2022), and remove
 * their personal data from stored triggers, events and raw deliveries.
 */
export async function applyPrivacyDeletion(
  trx: Kysely<Database>,
  { workspaceId, ref, crmHash, now }: { workspaceId: string; ref: string; crmHash: string; now: number },
): Promise<{ cancelled: number; suppressed: number }> {
  const triggers = await trx
    .selectFrom('triggers')
    .select(['id', 'status', 'recipient_hashes'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('recipient_ref', '=', ref), eb('source_ref', '=', ref)]))
    .execute();
  const hashes = new Map<string, string>([[crmHash, 'crm']]);
  for (const trigger of triggers) {
    const stored = readRecipientHashes(trigger.recipient_hashes);
    if (stored.emailHash) hashes.set(stored.emailHash, 'email');
    if (stored.addressHash) hashes.set(stored.addressHash, 'address');
    if (stored.crmHash) hashes.set(stored.crmHash, 'crm');
  }
  const cancelled = await trx
    .updateTable('triggers')
    .set({ status: 'cancelled', reason: 'privacy_deletion', updated_at: now })
    .where('id', 'in', triggers.length > 0 ? triggers.map((t) => t.id) : [''])
    .where('status', '=', 'pending')
    .executeTakeFirst();
  for (const trigger of triggers.filter((t) => t.status === 'delivered'))
    await requestPlatformCancel(trx, { triggerId: trigger.id, reason: 'privacy_deletion', now });
  if (triggers.length > 0) {
    await trx
      .updateTable('triggers')
      .set({ payload: JSON.stringify({ purged: true }) })
      .where(
        'id',
        'in',
        triggers.map((t) => t.id),
      )
      .execute();
  }
  for (const [value, kind] of hashes) {
    await trx
      .insertInto('suppressions')
      .values({
        id: newId('sup'),
        workspace_id: workspaceId,
        kind,
        value,
        reason: 'privacy_deletion',
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await writeTombstone(trx, { workspaceId, crmHash, now });
  const [platform, objectType, objectId] = ref.split(':');
  const events = await trx
    .selectFrom('events')
    .select(['id', 'raw_delivery_id', 'payload'])
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', platform ?? '')
    .where('object_type', '=', objectType ?? '')
    .where('object_id', '=', objectId ?? '')
    .execute();
  for (const event of events) {
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    delete payload.properties;
    delete payload.changes;
    await trx
      .updateTable('events')
      .set({ payload: JSON.stringify(payload) })
      .where('id', '=', event.id)
      .execute();
  }
  const rawIds = [...new Set(events.map((e) => e.raw_delivery_id))];
  if (rawIds.length > 0) {
    await trx.updateTable('raw_deliveries').set({ body: PURGED }).where('id', 'in', rawIds).execute();
  }
  return { cancelled: Number(cancelled.numUpdatedRows), suppressed: hashes.size };
}
