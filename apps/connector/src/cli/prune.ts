import { parseDurationMs } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { deleteDecisions } from '../store/decisions.js';
import { CliError } from './action.js';
import { openExisting } from './database.js';

/** Rows removed per statement: keeps `IN (…)` lists well inside SQLite's 32766-variable limit. */
const CHUNK = 500;

export interface PruneCounts {
  events: number;
  decisions: number;
  triggers: number;
  deliveryAttempts: number;
  rawDeliveries: number;
  outbox: number;
  redactedTriggers: number;
}

/**
 * Retention: deletes what is older than `cutoffMs` and finished — events that are no longer
 * pending with their decisions, triggers that were never delivered (cancelled, dead,
 * skipped) with their delivery attempts, raw deliveries no event refers to, and finished
 * outbox jobs. Delivered triggers stay as mailing history (frequency rules such as "once
 * per person" read them) but lose their payload, which holds the postal address. Pending
 * work and suppressions are never touched.
 */
export async function prune(db: Kysely<Database>, cutoffMs: number): Promise<PruneCounts> {
  const counts: PruneCounts = {
    events: 0,
    decisions: 0,
    triggers: 0,
    deliveryAttempts: 0,
    rawDeliveries: 0,
    outbox: 0,
    redactedTriggers: 0,
  };
  for (;;) {
    const events = await db
      .selectFrom('events')
      .select('id')
      .where('received_at', '<', cutoffMs)
      .where('status', '!=', 'pending')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('triggers')
              .select('triggers.id')
              .whereRef('triggers.event_id', '=', 'events.id')
              .where('triggers.status', '=', 'pending'),
          ),
        ),
      )
      .limit(CHUNK)
      .execute();
    if (events.length === 0) break;
    const ids = events.map((e) => e.id);
    await db.transaction().execute(async (trx) => {
      const triggers = await trx
        .selectFrom('triggers')
        .select(['id', 'status'])
        .where('event_id', 'in', ids)
        .execute();
      const gone = triggers.filter((t) => t.status !== 'delivered').map((t) => t.id);
      if (gone.length > 0) {
        const attempts = await trx
          .deleteFrom('delivery_attempts')
          .where('trigger_id', 'in', gone)
          .executeTakeFirst();
        counts.deliveryAttempts += Number(attempts.numDeletedRows);
        const deleted = await trx.deleteFrom('triggers').where('id', 'in', gone).executeTakeFirst();
        counts.triggers += Number(deleted.numDeletedRows);
      }
      const kept = triggers.filter((t) => t.status === 'delivered').map((t) => t.id);
      if (kept.length > 0) {
        const redacted = await trx
          .updateTable('triggers')
          .set({ payload: JSON.stringify({ purged: true }) })
          .where('id', 'in', kept)
          .executeTakeFirst();
        counts.redactedTriggers += Number(redacted.numUpdatedRows);
      }
      counts.decisions += await deleteDecisions(trx, ids);
      const deletedEvents = await trx.deleteFrom('events').where('id', 'in', ids).executeTakeFirst();
      counts.events += Number(deletedEvents.numDeletedRows);
    });
  }
  const raw = await db
    .deleteFrom('raw_deliveries')
    .where('received_at', '<', cutoffMs)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('events')
            .select('events.id')
            .whereRef('events.raw_delivery_id', '=', 'raw_deliveries.id'),
        ),
      ),
    )
    .executeTakeFirst();
  counts.rawDeliveries = Number(raw.numDeletedRows);
  const outbox = await db
    .deleteFrom('outbox')
    .where('updated_at', '<', cutoffMs)
    .where('status', '!=', 'pending')
    .executeTakeFirst();
  counts.outbox = Number(outbox.numDeletedRows);
  return counts;
}

/** `hookpost prune --older-than P90D`. */
export async function runPrune(options: { olderThan: string; json?: boolean }): Promise<void> {
  const ms = parseDurationMs(options.olderThan);
  if (ms === null || ms <= 0)
    throw new CliError(
      `--older-than expects an ISO-8601 duration such as P90D or PT12H, got "${options.olderThan}"`,
    );
  const cutoff = Date.now() - ms;
  const { handle } = await openExisting({ readOnly: false });
  try {
    const counts = await prune(handle.db, cutoff);
    if (options.json)
      process.stdout.write(`${JSON.stringify({ before: new Date(cutoff).toISOString(), ...counts })}\n`);
    else
      process.stdout.write(
        `pruned before ${new Date(cutoff).toISOString()}: ${counts.events} event(s), ${counts.decisions} decision(s), ` +
          `${counts.triggers} undelivered trigger(s), ${counts.deliveryAttempts} delivery attempt(s), ` +
          `${counts.rawDeliveries} raw deliver(y/ies), ${counts.outbox} outbox job(s); ` +
          `${counts.redactedTriggers} delivered trigger(s) kept as history without payload\n`,
      );
  } finally {
    await handle.close();
  }
}
