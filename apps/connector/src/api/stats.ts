import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { countByStatus } from '../queue/depth.js';
import type { ConnectorContext } from '../runtime.js';

const DAY_MS = 86_400_000;

/**
 * Counts at a glance: events, triggers and outbox by status; inbound deliveries (requests
 * from the CRMs) and outbound delivery attempts of the last 24 hours.
 *
 * @example
 * const stats = await collectStats(db, registry.platforms); // { events: { pending: 0, … }, deliveries: { … } }
 */
export async function collectStats(db: Kysely<Database>, platforms: readonly string[], now = Date.now()) {
  const since = now - DAY_MS;
  const [events, triggers, outbox, inbound, attempts, deadSince] = await Promise.all([
    countByStatus(db, 'events'),
    countByStatus(db, 'triggers'),
    countByStatus(db, 'outbox'),
    db
      .selectFrom('raw_deliveries')
      .select(['platform', (eb) => eb.fn.countAll().as('n')])
      .where('received_at', '>=', since)
      .groupBy('platform')
      .execute(),
    db
      .selectFrom('delivery_attempts')
      .select(['outcome', (eb) => eb.fn.countAll().as('n')])
      .where('started_at', '>=', since)
      .groupBy('outcome')
      .execute(),
    // A piece whose retries ran out is dead although its last attempt was only a `retry`:
    // counted from the pieces themselves so the figure agrees with `triggers.dead`.
    db
      .selectFrom('triggers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'dead')
      .where('updated_at', '>=', since)
      .executeTakeFirst(),
  ]);
  const inboundByPlatform: Record<string, number> = Object.fromEntries(platforms.map((p) => [p, 0]));
  for (const row of inbound) inboundByPlatform[row.platform] = Number(row.n);
  const attemptsByOutcome: Record<string, number> = { delivered: 0, retry: 0, dead: 0 };
  for (const row of attempts) attemptsByOutcome[row.outcome] = Number(row.n);
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    events,
    triggers,
    outbox,
    deliveries: {
      since: new Date(since).toISOString(),
      inbound: { total: sum(inboundByPlatform), byPlatform: inboundByPlatform },
      attempts: { total: sum(attemptsByOutcome), byOutcome: attemptsByOutcome },
      /** Pieces that became dead in the window (retries exhausted or refused), whatever their last attempt said. */
      dead: Number(deadSince?.n ?? 0),
    },
  };
}

export function statsRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  router.get('/stats', async function stats(_req: Request, res: Response) {
    res.json(await collectStats(ctx.handle.db, ctx.registry.platforms));
  });
  return router;
}
