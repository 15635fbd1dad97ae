import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { preparedOn, sqliteOf } from '../db/statement-cache.js';
import type { Database, EventStatus } from '../db/types.js';
import { inValues } from '../db/value-list.js';

/** The events of a batch that end alike: one status, summary reason and quiet decision set. */
export interface SettleGroup {
  status: EventStatus;
  reason: string;
  set: string | null;
  run: number | null;
  ids: string[];
}

const SETTLE = `update "events" set "status" = ?, "reason" = ?, "processed_at" = ?, "lease_owner" = null, "lease_until" = 0, "decision_set" = ?, "decision_run" = ? where "id" in (select value from json_each(?))`;
// `+status`: the id list is what selects the rows (see `settleGroups`).
const SETTLE_HELD = `${SETTLE} and "lease_owner" = ? and +"status" = 'pending'`;

/**
 * The closing status UPDATEs of a decision batch, one per group; returns how many rows they
 * changed. With `held`, only rows still `pending` and leased to `owner` change (the
 * optimistic lease check: the caller compares the count). On a SQLite database from
 * `openDatabase` the two fixed texts run as the connection's own prepared statements
 * (building and compiling the Kysely query per group was most of their JavaScript time);
 * elsewhere the same statement through Kysely.
 */
export async function settleGroups(
  trx: Kysely<Database>,
  dialect: Dialect,
  groups: Iterable<SettleGroup>,
  { now, owner, held }: { now: number; owner: string; held: boolean },
): Promise<number> {
  let updated = 0;
  const sqlite = dialect === 'sqlite' ? sqliteOf(trx) : undefined;
  if (sqlite) {
    const statement = preparedOn(sqlite, held ? SETTLE_HELD : SETTLE);
    for (const g of groups) {
      const values = [g.status, g.reason, now, g.set, g.run, JSON.stringify(g.ids)];
      if (held) values.push(owner);
      updated += statement.run(values).changes;
    }
    return updated;
  }
  for (const group of groups) {
    let update = trx
      .updateTable('events')
      .set({
        status: group.status,
        reason: group.reason,
        processed_at: now,
        lease_owner: null,
        lease_until: 0,
        decision_set: group.set,
        decision_run: group.run,
      })
      .where(inValues(trx, 'id', group.ids));
    // SQLite `+status`, PostgreSQL `status || ''`: the id list is what selects the rows;
    // with a plain `status = ` the planner walks the status index over every pending row
    // instead (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: whenever its statistics still say
    // few rows are pending, as right after a burst — bench/postgres.ts).
    if (held)
      update = update
        .where('lease_owner', '=', owner)
        .where(
          dialect === 'sqlite' ? sql<string>`+${sql.ref('status')}` : sql<string>`${sql.ref('status')} || ''`,
          '=',
          'pending',
        );
    updated += Number((await update.executeTakeFirst()).numUpdatedRows);
  }
  return updated;
}
