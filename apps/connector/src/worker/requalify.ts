import { triggerId } from '@hookpost/core';
import type { Insertable, Kysely } from 'kysely';
import type { Database, TriggerTable } from '../db/types.js';

export type TriggerInsert =
  | { inserted: true; id: string }
  | { inserted: false; existing: { id: string; eventId: string; status: string } };

/** The dedupe key of the `generation`-th piece for one base key (0: the key itself). */
export const generationKey = (baseKey: string, generation: number): string =>
  generation === 0 ? baseKey : `${baseKey}#${generation}`;

/**
 * Inserts a trigger under its dedupe key (UNIQUE). When the key is held by a piece that
 * was cancelled before it was ever handed off (no delivery attempt, never delivered), the
 * piece never reached the mail platform: it does not count as sent, so the new piece takes
 * the key's next generation (`<key>#1`, `#2`, …) and with it a new trigger id, because the
 * id is derived from the key. Any other holder (pending, delivered, dead, or cancelled
 * after an attempt) blocks: the result names it. Runs inside the batch transaction.
 */
export async function insertTrigger(
  trx: Kysely<Database>,
  trigger: Insertable<TriggerTable>,
): Promise<TriggerInsert> {
  for (let generation = 0; ; generation++) {
    const key = generationKey(trigger.dedupe_key, generation);
    const row = generation === 0 ? trigger : withKey(trigger, key);
    const inserted = await trx
      .insertInto('triggers')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { inserted: true, id: inserted.id };
    const holder = await trx
      .selectFrom('triggers')
      .select(['id', 'event_id', 'status', 'attempts', 'delivered_at'])
      .where('dedupe_key', '=', key)
      .executeTakeFirst();
    // No holder by key: the id (derived from the key) collided; treat it as the holder.
    const blocking =
      holder ??
      (await trx
        .selectFrom('triggers')
        .select(['id', 'event_id', 'status', 'attempts', 'delivered_at'])
        .where('id', '=', String(row.id))
        .executeTakeFirstOrThrow());
    const released =
      blocking.status === 'cancelled' && Number(blocking.attempts) === 0 && blocking.delivered_at === null;
    if (!released)
      return {
        inserted: false,
        existing: { id: blocking.id, eventId: blocking.event_id, status: blocking.status },
      };
  }
}

function withKey(trigger: Insertable<TriggerTable>, key: string): Insertable<TriggerTable> {
  const id = triggerId(key);
  const payload = JSON.parse(String(trigger.payload)) as Record<string, unknown>;
  return { ...trigger, id, dedupe_key: key, payload: JSON.stringify({ ...payload, id }) };
}
