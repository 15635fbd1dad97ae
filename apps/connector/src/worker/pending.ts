import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import { cancellableAfterHandOff } from '../mail/cancel.js';
import type { PendingTrigger } from './plan.js';

/** Key of `pendingTriggersFor`'s map: a workspace and a record ref. */
export const pendingKey = (workspaceId: string, ref: string) => `${workspaceId}|${ref}`;

/**
 * Pending triggers created by or addressed to any of these records (`platform:type:id`),
 * in one query, by workspace and record: what a new event of the record may reverse or
 * cancel.
 */
export async function pendingTriggersFor(
  db: Kysely<Database>,
  refs: readonly string[],
): Promise<Map<string, PendingTrigger[]>> {
  const found = new Map<string, PendingTrigger[]>();
  const unique = [...new Set(refs)];
  if (unique.length === 0) return found;
  const pending = await db
    .selectFrom('triggers')
    .select(['id', 'campaign_id', 'source_ref', 'recipient_ref', 'workspace_id'])
    // A delivered piece the platform has not reported printed yet can still be cancelled there.
    // `status || ''` keeps the status out of index choice: SQLite (no statistics) would walk
    // every delivered trigger by status instead of the records' refs (0013_scale_trigger_refs).
    .where((eb) =>
      eb.or([eb(sql<string>`${sql.ref('status')} || ''`, '=', 'pending'), cancellableAfterHandOff(eb)]),
    )
    .where((eb) => eb.or([inValues(db, 'source_ref', unique), inValues(db, 'recipient_ref', unique)]))
    .execute();
  for (const trigger of pending) {
    for (const ref of new Set([trigger.source_ref, trigger.recipient_ref])) {
      const key = pendingKey(trigger.workspace_id, ref);
      found.set(key, [...(found.get(key) ?? []), trigger]);
    }
  }
  return found;
}
