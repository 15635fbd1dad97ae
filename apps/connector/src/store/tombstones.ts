import { hashCrmRef, type Platform } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database, EventTable, RawDeliveryTable } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import { newId } from './ids.js';

/**
 * A privacy deletion leaves a tombstone: the record's CRM hash on the suppression list
 * under its own kind (`erased`), beside the `crm` entry that stops mailing. Events for a
 * tombstoned record are stored without personal data and decided `skipped:erased`
 * (GDPR Art. 17: erasure holds for data that arrives later too).
 */
export const TOMBSTONE_KIND = 'erased';
const REDACTED_BODY = '[redacted: erased record]';
// Fields of an event's `source` that can carry personal data (workflow inputs, values,
// the raw item of a malformed one).
const PERSONAL_SOURCE_FIELDS = ['propertyValue', 'inputFields', 'object', 'properties', 'raw'];

/**
 * The tombstoned CRM hashes among `hashes`, per workspace: one indexed query, each list one
 * bound parameter (`inValues`): with `in (?, ?, …)` each batch size was a new statement to
 * build, compile and prepare (the worker asks once per batch of up to 500 events).
 */
export async function tombstonedHashes(
  db: Kysely<Database>,
  workspaceIds: readonly string[],
  hashes: readonly string[],
): Promise<Set<string>> {
  if (workspaceIds.length === 0 || hashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('suppressions')
    .select(['workspace_id', 'value'])
    .where(inValues(db, 'workspace_id', [...new Set(workspaceIds)]))
    .where('kind', '=', TOMBSTONE_KIND)
    .where(inValues(db, 'value', [...new Set(hashes)]))
    .execute();
  return new Set(rows.map((r) => tombstoneKey(r.workspace_id, r.value)));
}

/**
 * Whether any of these workspaces holds a tombstone: one indexed probe (`suppressions_unique`
 * starts with workspace and kind), so a batch can skip hashing its events' records when none does.
 */
export async function anyTombstone(db: Kysely<Database>, workspaceIds: readonly string[]): Promise<boolean> {
  if (workspaceIds.length === 0) return false;
  const found = await db
    .selectFrom('suppressions')
    .select('kind')
    .where(inValues(db, 'workspace_id', workspaceIds))
    .where('kind', '=', TOMBSTONE_KIND)
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}

/** Writes the tombstone of an erased record (idempotent); the privacy deletion's transaction calls it. */
export async function writeTombstone(
  trx: Kysely<Database>,
  { workspaceId, crmHash, now }: { workspaceId: string; crmHash: string; now: number },
): Promise<void> {
  await trx
    .insertInto('suppressions')
    .values({
      id: newId('sup'),
      workspace_id: workspaceId,
      kind: TOMBSTONE_KIND,
      value: crmHash,
      reason: 'privacy_deletion',
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export const tombstoneKey = (workspaceId: string, crmHash: string) => `${workspaceId}\u0000${crmHash}`;

export const crmHashOf = (row: Pick<EventTable, 'platform' | 'object_type' | 'object_id'>) =>
  hashCrmRef({ platform: row.platform as Platform, objectType: row.object_type, objectId: row.object_id });

/** A stored event payload without values: changes, snapshot and personal source fields go. */
export function redactedPayload(payload: string): string {
  const parsed = JSON.parse(payload) as Record<string, unknown>;
  const source = { ...((parsed.source as Record<string, unknown> | undefined) ?? {}) };
  for (const field of PERSONAL_SOURCE_FIELDS) delete source[field];
  return JSON.stringify({ source: { ...source, erased: true } });
}

/**
 * A raw delivery with the erased records' items taken out: in a JSON array (HubSpot
 * batch) each item of an erased object id becomes `{ redacted, objectId }` and the others
 * stay; any other body (XML, a single workflow action) is replaced whole.
 */
export function redactedBody(body: string, objectIds: ReadonlySet<string>): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return REDACTED_BODY;
  }
  if (!Array.isArray(json)) return REDACTED_BODY;
  return JSON.stringify(
    json.map((item: unknown) => {
      if (item === null || typeof item !== 'object') return item;
      const fields = item as Record<string, unknown>;
      const id = String(fields.objectId ?? fields.primaryObjectId ?? fields.fromObjectId);
      return objectIds.has(id) ? { redacted: 'erased record', objectId: id } : item;
    }),
  );
}

/**
 * At ingest: events of tombstoned records lose their personal data before they are
 * written, and so do the raw deliveries that carried them. Rows are changed in place.
 * One query for the whole group commit.
 */
export async function redactErased(
  db: Kysely<Database>,
  raws: RawDeliveryTable[],
  rows: readonly EventTable[],
): Promise<void> {
  // Events to decide and malformed items alike: both can carry the erased record's data.
  const routed = rows.filter((r) => r.workspace_id !== null && r.object_id !== '');
  if (routed.length === 0) return;
  const hashes = routed.map(crmHashOf);
  const erased = await tombstonedHashes(
    db,
    routed.map((r) => r.workspace_id as string),
    hashes,
  );
  if (erased.size === 0) return;
  const byDelivery = new Map<string, Set<string>>();
  for (const [i, row] of routed.entries()) {
    if (!erased.has(tombstoneKey(row.workspace_id as string, hashes[i] as string))) continue;
    row.payload = redactedPayload(row.payload);
    const ids = byDelivery.get(row.raw_delivery_id) ?? new Set<string>();
    ids.add(row.object_id);
    byDelivery.set(row.raw_delivery_id, ids);
  }
  for (const raw of raws) {
    const ids = byDelivery.get(raw.id);
    if (ids) raw.body = redactedBody(raw.body, ids);
  }
}
