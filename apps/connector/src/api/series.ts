import { type Request, type Response, Router } from 'express';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/types.js';
import type { ConnectorContext } from '../runtime.js';
import { parseOrThrow } from './errors.js';

/** The chart ranges: how far back and how wide one bucket is. */
export const SERIES_RANGES = {
  hour: { spanMs: 3_600_000, bucketMs: 60_000 },
  day: { spanMs: 86_400_000, bucketMs: 3_600_000 },
  month: { spanMs: 30 * 86_400_000, bucketMs: 86_400_000 },
} as const;

const seriesQuery = z
  .object({
    range: z.enum(['hour', 'day', 'month']).default('day'),
    workspace: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * Counts per time bucket and status: events by `received_at`, pieces by `created_at`.
 * Buckets are aligned to the epoch (UTC) and every bucket in range is listed, empty ones as 0.
 *
 * @example
 * await countSeries(db, 'hour'); // { bucketMs: 60000, buckets: [{ at: '…', events: { triggered: 3 }, triggers: {} }, …] }
 */
export async function countSeries(
  db: Kysely<Database>,
  range: keyof typeof SERIES_RANGES,
  { workspace, now = Date.now() }: { workspace?: string | undefined; now?: number } = {},
) {
  const { spanMs, bucketMs } = SERIES_RANGES[range];
  const first = Math.floor((now - spanMs) / bucketMs) * bucketMs + bucketMs;
  // Integer division on integer columns truncates in both SQLite and PostgreSQL; a literal
  // divisor keeps PostgreSQL from typing a parameter as text.
  const grouped = async (table: 'events' | 'triggers', column: 'received_at' | 'created_at') => {
    let query = db
      .selectFrom(table as 'events')
      .select([
        sql<number>`${sql.ref(column)} / ${sql.lit(bucketMs)}`.as('bucket'),
        'status',
        (eb) => eb.fn.countAll().as('n'),
      ])
      .where(column as 'received_at', '>=', first)
      .groupBy([sql`${sql.ref(column)} / ${sql.lit(bucketMs)}`, 'status']);
    if (workspace) query = query.where('workspace_id', '=', workspace);
    return query.execute();
  };
  const [events, triggers] = await Promise.all([
    grouped('events', 'received_at'),
    grouped('triggers', 'created_at'),
  ]);
  const buckets = new Map<number, { events: Record<string, number>; triggers: Record<string, number> }>();
  for (let at = first; at <= now; at += bucketMs) buckets.set(at, { events: {}, triggers: {} });
  const add = (rows: typeof events, key: 'events' | 'triggers') => {
    for (const row of rows) {
      const bucket = buckets.get(Number(row.bucket) * bucketMs);
      if (bucket) bucket[key][row.status] = (bucket[key][row.status] ?? 0) + Number(row.n);
    }
  };
  add(events, 'events');
  add(triggers, 'triggers');
  return {
    range,
    bucketMs,
    buckets: [...buckets].map(([at, counts]) => ({ at: new Date(at).toISOString(), ...counts })),
  };
}

/** `GET /stats/series?range=hour|day|month`: the overview's charts. */
export function seriesRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  router.get('/stats/series', async function series(req: Request, res: Response) {
    const q = parseOrThrow(seriesQuery, req.query, 'query');
    res.json(await countSeries(ctx.handle.db, q.range, { workspace: q.workspace }));
  });
  return router;
}
