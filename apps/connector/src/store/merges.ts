import { type CrmEvent, hashCrmRef } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import { newId, recordRef } from './ids.js';

/**
 * A merge as the worker applies it, in one workspace: the losers (`mergedIds`, of
 * `objectType`) and the survivor. `survivorObjectType` is set when the survivor is of another
 * object type (a Salesforce Lead converted to a Contact: losers `lead`, survivor `contact`).
 */
export interface MergePlan {
  platform: string;
  objectType: string;
  survivorId: string;
  mergedIds: string[];
  survivorObjectType?: string | undefined;
}

/** What applying a merge changed, for the merge event's decision. */
export interface MergeOutcome {
  survivorRef: string;
  mergedRefs: string[];
  /** Pieces (any status: the history policies count) now addressed to the survivor. */
  moved: number;
  /** Later duplicates among the survivor's pending pieces, cancelled. */
  cancelled: string[];
}

const crmOf = (platform: string, objectType: string, objectId: string) => ({
  platform,
  objectType,
  objectId,
});

/**
 * Applies a merge inside the batch transaction (also across object types: refs name the type,
 * `salesforce:lead:00Q…` → `salesforce:contact:003…`):
 * 1. remembers each loser → survivor (collapsing chains: whatever pointed at a loser now
 *    points at the survivor), so later events for a loser are read as the survivor's;
 * 2. moves the losers' pieces — pending, sent or cancelled, the history once-per-recipient,
 *    cooldowns and caps count — to the survivor (recipient key and ref, source ref);
 * 3. copies the losers' CRM-record suppressions to the survivor;
 * 4. keeps one pending piece per campaign for the survivor (the earliest) and cancels the
 *    others with a reason naming the one kept.
 */
export async function applyMerge(
  trx: Kysely<Database>,
  input: MergePlan & { workspaceId: string; eventId: string; now: number },
): Promise<MergeOutcome> {
  const { workspaceId, platform, objectType, now } = input;
  const type = objectType.toLowerCase();
  const survivorType = (input.survivorObjectType ?? objectType).toLowerCase();
  const survivorRef = recordRef(platform, survivorType, input.survivorId);
  const mergedIds = input.mergedIds.filter((id) => id !== input.survivorId || survivorType !== type);
  const mergedRefs = mergedIds.map((id) => recordRef(platform, type, id));
  if (mergedRefs.length === 0) return { survivorRef, mergedRefs, moved: 0, cancelled: [] };

  await trx
    .updateTable('record_merges')
    .set({ survivor_ref: survivorRef })
    .where('workspace_id', '=', workspaceId)
    .where('survivor_ref', 'in', mergedRefs)
    .execute();
  await trx
    .insertInto('record_merges')
    .values(
      mergedRefs.map((ref) => ({
        workspace_id: workspaceId,
        merged_ref: ref,
        survivor_ref: survivorRef,
        event_id: input.eventId,
        created_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'merged_ref'])
        .doUpdateSet({ survivor_ref: survivorRef, event_id: input.eventId }),
    )
    .execute();

  // The record's key moves (a person key, `policy.identity: person`, already spans records).
  await trx
    .updateTable('triggers')
    .set({ recipient_key: survivorRef })
    .where('workspace_id', '=', workspaceId)
    .where('recipient_key', 'in', mergedRefs)
    .execute();
  const moved = await trx
    .updateTable('triggers')
    .set({ recipient_ref: survivorRef, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('recipient_ref', 'in', mergedRefs)
    .executeTakeFirst();
  await trx
    .updateTable('triggers')
    .set({ source_ref: survivorRef })
    .where('workspace_id', '=', workspaceId)
    .where('source_ref', 'in', mergedRefs)
    .execute();

  const survivorHash = hashCrmRef(crmOf(platform, survivorType, input.survivorId));
  const loserHashes = mergedIds.map((id) => hashCrmRef(crmOf(platform, type, id)));
  const suppressions = await trx
    .selectFrom('suppressions')
    .select(['kind', 'reason'])
    .where('workspace_id', '=', workspaceId)
    .where('value', 'in', loserHashes)
    .execute();
  for (const s of suppressions) {
    const exists = await trx
      .selectFrom('suppressions')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('value', '=', survivorHash)
      .where('kind', '=', s.kind)
      .executeTakeFirst();
    if (!exists)
      await trx
        .insertInto('suppressions')
        .values({
          id: newId('sup'),
          workspace_id: workspaceId,
          kind: s.kind,
          value: survivorHash,
          reason: `${s.reason} (carried over from a merged record, event ${input.eventId})`,
          created_at: now,
        })
        .execute();
  }

  const pending = await trx
    .selectFrom('triggers')
    .select(['id', 'campaign_id'])
    .where('workspace_id', '=', workspaceId)
    .where('recipient_ref', '=', survivorRef)
    .where('status', '=', 'pending')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const kept = new Map<string, string>();
  const cancelled: string[] = [];
  for (const piece of pending) {
    const first = kept.get(piece.campaign_id);
    if (first === undefined) {
      kept.set(piece.campaign_id, piece.id);
      continue;
    }
    await trx
      .updateTable('triggers')
      .set({
        status: 'cancelled',
        reason: `duplicate_after_merge: ${mergedRefs.join(', ')} merged into ${survivorRef} (event ${input.eventId}); trigger ${first} stays pending for this person`,
        updated_at: now,
      })
      .where('id', '=', piece.id)
      .where('status', '=', 'pending')
      .execute();
    cancelled.push(piece.id);
  }
  return { survivorRef, mergedRefs, moved: Number(moved.numUpdatedRows), cancelled };
}

/**
 * The survivor of each merged-away record among `refs` in a workspace, keyed `workspace|ref`:
 * later events for a merged-away record are decided as the survivor's.
 */
export async function survivorsOf(
  db: Kysely<Database>,
  refs: readonly { workspaceId: string; ref: string }[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(refs.map((r) => r.ref))];
  if (unique.length === 0) return found;
  // The list as one bound parameter: one statement text for every batch size (`inValues`).
  const rows = await db
    .selectFrom('record_merges')
    .select(['workspace_id', 'merged_ref', 'survivor_ref'])
    .where(inValues(db, 'merged_ref', unique))
    .execute();
  for (const r of rows) found.set(`${r.workspace_id}|${r.merged_ref}`, r.survivor_ref);
  return found;
}

/**
 * The event as its survivor's when its record was merged away (`survivorRef` from
 * {@link survivorsOf}, e.g. `salesforce:contact:003…` for a converted Lead): the object type
 * and id become the survivor's, `source.mergedFrom` keeps the id the CRM sent. Unchanged
 * without a survivor, and for the deletion of a record that lives on as another object type:
 * a converted Lead stays in Salesforce, and deleting it (admins clean up old converted
 * Leads) removes the Lead, not the Contact it became — read as the Contact's, it would cancel
 * and erase that Contact.
 */
export function eventAsSurvivor(event: CrmEvent, survivorRef: string | undefined): CrmEvent {
  if (survivorRef === undefined) return event;
  const [, objectType = event.objectType, ...id] = survivorRef.split(':');
  const deletion = event.kind === 'deleted' || event.kind === 'privacy_deleted';
  if (deletion && objectType !== event.objectType) return event;
  return {
    ...event,
    objectType,
    objectId: id.join(':'),
    source: {
      ...event.source,
      mergedFrom: event.objectId,
      ...(objectType !== event.objectType ? { mergedFromType: event.objectType } : {}),
    },
  };
}

/** {@link eventAsSurvivor} for one event of a workspace, looking its survivor up (dry runs). */
export async function eventOfSurvivor(
  db: Kysely<Database>,
  workspaceId: string,
  event: CrmEvent,
): Promise<CrmEvent> {
  const ref = recordRef(event.platform, event.objectType, event.objectId);
  const survivors = await survivorsOf(db, [{ workspaceId, ref }]);
  return eventAsSurvivor(event, survivors.get(`${workspaceId}|${ref}`));
}
