import { parseDurationMs } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { HookpostConfig } from './config/schema.js';
import type { Database } from './db/types.js';
import type { Logger } from './log.js';
import { type Loop, startLoop } from './loop.js';
import { deleteDecisions } from './store/decisions.js';

/** What a raw delivery's body becomes once its retention has passed. */
export const PRUNED_BODY = '{"pruned":"retention"}';
/** Rows one pruning round touches at most, so it never holds a long write lock. */
const ROUND_ROWS = 1000;
const IDLE_MS = 60 * 60 * 1000;

export interface PruneResult {
  rawDeliveries: number;
  events: number;
}

/**
 * One round of the retention rules (GDPR Art. 5(1)(e), storage limitation):
 * - raw deliveries (the CRM's request bodies, full of personal data) older than
 *   `retention.rawDeliveries` (default P30D) keep their row but lose their body;
 * - when `retention.events` is set, decided events older than it are deleted with their
 *   decisions. Pieces (triggers) stay: they are the mailing record that once-per-recipient,
 *   cooldowns and caps count, and a privacy deletion already purges their payload.
 * Suppressions are never pruned: their hashes are what keeps a person from being mailed again.
 * Returns how many rows it changed; call again while it reports work.
 *
 * @example
 * await pruneOnce(db, { rawDeliveries: 'P30D' }); // { rawDeliveries: 12, events: 0 }
 */
export async function pruneOnce(
  db: Kysely<Database>,
  retention: HookpostConfig['retention'],
  now = Date.now(),
): Promise<PruneResult> {
  const rawMs = parseDurationMs(retention.rawDeliveries) ?? 30 * 86_400_000;
  const expiredRaw = await db
    .selectFrom('raw_deliveries')
    .select('id')
    .where('received_at', '<', now - rawMs)
    .where('body', '!=', PRUNED_BODY)
    .limit(ROUND_ROWS)
    .execute();
  if (expiredRaw.length > 0)
    await db
      .updateTable('raw_deliveries')
      .set({ body: PRUNED_BODY })
      .where(
        'id',
        'in',
        expiredRaw.map((r) => r.id),
      )
      .execute();

  let events = 0;
  const eventMs = retention.events ? parseDurationMs(retention.events) : null;
  if (eventMs !== null) {
    const expired = await db
      .selectFrom('events')
      .select('id')
      .where('received_at', '<', now - eventMs)
      .where('status', '!=', 'pending')
      .limit(ROUND_ROWS)
      .execute();
    const ids = expired.map((e) => e.id);
    if (ids.length > 0) {
      await db.transaction().execute(async (trx) => {
        await deleteDecisions(trx, ids);
        await trx.deleteFrom('events').where('id', 'in', ids).execute();
      });
      events = ids.length;
    }
  }
  return { rawDeliveries: expiredRaw.length, events };
}

/** Runs `pruneOnce` hourly (and at once while a round finds work), logging what it pruned. */
export function startRetention(db: Kysely<Database>, config: HookpostConfig, logger: Logger): Loop {
  return startLoop(
    'retention',
    async () => {
      const result = await pruneOnce(db, config.retention);
      const total = result.rawDeliveries + result.events;
      if (total > 0) logger.info({ ...result }, 'retention: pruned expired data');
      return total;
    },
    IDLE_MS,
    logger,
  );
}
