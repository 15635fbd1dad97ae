import { triggerId } from '@hookpost/core';
import type { Insertable, Kysely } from 'kysely';
import { preparedOn, sqliteOf } from '../db/statement-cache.js';
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
    const inserted = await insertOrNothing(trx, row);
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

/**
 * `INSERT … ON CONFLICT DO NOTHING RETURNING id`: the new row's id, or undefined when a
 * unique key was taken. On a SQLite database from `openDatabase` as the connection's own
 * prepared statement (one text per set of columns given): building the 30-column insert
 * through Kysely cost about as much as SQLite inserting it. Column names come from our own
 * row object (`triggerInsert`), never from input. Undefined columns are left out,
 * as Kysely leaves them out.
 */
async function insertOrNothing(
  trx: Kysely<Database>,
  row: Insertable<TriggerTable>,
): Promise<{ id: string } | undefined> {
  const sqlite = sqliteOf(trx);
  if (!sqlite)
    return trx
      .insertInto('triggers')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (value === undefined) continue;
    columns.push(column);
    values.push(value);
  }
  const text = `insert into "triggers" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict do nothing returning "id"`;
  return preparedOn(sqlite, text).get(values) as { id: string } | undefined;
}

function withKey(trigger: Insertable<TriggerTable>, key: string): Insertable<TriggerTable> {
  const id = triggerId(key);
  const payload = JSON.parse(String(trigger.payload)) as Record<string, unknown>;
  return { ...trigger, id, dedupe_key: key, payload: JSON.stringify({ ...payload, id }) };
}
