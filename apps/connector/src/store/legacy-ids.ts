import { type CrmEvent, eventIdFor, eventIdTime } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/**
 * How far a CRM's clock may run ahead of ours: an event stored before time-prefixed ids
 * (under its plain id) may carry a time up to this much after the moment they started.
 */
export const LEGACY_ID_SKEW_MS = 24 * 60 * 60 * 1000;
// SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535.
const IDS_PER_QUERY = 500;

/**
 * Finds re-sends of events stored before time-prefixed ids (`0014_ids_time_prefixed`).
 * Such an event is stored under its plain hash id (`eventIdFor` without a time); a re-send
 * after the upgrade gets a time-prefixed id, which the primary key alone would not see as a
 * duplicate. So an event whose id's time is before the new format started (plus
 * `LEGACY_ID_SKEW_MS`) is also looked up by its plain id. A database that held no event when
 * the format started has no plain ids to look for, and never looks.
 */
export function createLegacyIdProbe() {
  let cutoffMs: number | undefined;

  async function cutoff(db: Kysely<Database>): Promise<number> {
    if (cutoffMs !== undefined) return cutoffMs;
    const row = await db
      .selectFrom('event_id_formats')
      .select('since')
      .where('name', '=', 'time_prefixed')
      .executeTakeFirst();
    // bigint comes back as a string from pg.
    const since = Number(row?.since ?? 0);
    cutoffMs = since === 0 ? Number.NEGATIVE_INFINITY : since + LEGACY_ID_SKEW_MS;
    return cutoffMs;
  }

  /** The events among `events` already stored under their plain id (by position in `events`). */
  async function storedUnderPlainId(db: Kysely<Database>, events: readonly CrmEvent[]): Promise<Set<number>> {
    const found = new Set<number>();
    const before = await cutoff(db);
    if (before === Number.NEGATIVE_INFINITY) return found;
    const plain = new Map<string, number[]>();
    for (const [i, event] of events.entries()) {
      const time = eventIdTime(event.id);
      if (time === null || time >= before) continue;
      const id = eventIdFor(event.platform, event.accountId, event.externalId);
      plain.set(id, [...(plain.get(id) ?? []), i]);
    }
    const ids = [...plain.keys()];
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const rows = await db
        .selectFrom('events')
        .select('id')
        .where('id', 'in', ids.slice(start, start + IDS_PER_QUERY))
        .execute();
      for (const row of rows) for (const i of plain.get(row.id) ?? []) found.add(i);
    }
    return found;
  }

  return { storedUnderPlainId };
}
