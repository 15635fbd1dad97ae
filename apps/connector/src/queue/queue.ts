import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { claim, type LeasedTable, type Row } from './claim.js';
import type { Settlement } from './settle.js';

/** Column values a settle writes besides the queue's own (status, lease). */
export type SettleValues = Record<string, string | number | null>;

export interface QueueOptions<T extends LeasedTable> {
  name: T;
  db: Kysely<Database>;
  dialect: Dialect;
  /** This process's lease owner id. */
  owner: string;
  leaseMs: number;
  metrics: Metrics;
  logger: Logger;
  /** Runs store work without an fsync per commit (see `DatabaseHandle.relaxed`). */
  relaxed?: <R>(fn: (db: Kysely<Database>) => Promise<R>) => Promise<R>;
  now?: () => number;
}

/** How each table is worked: events in arrival order; triggers and outbox rows when due. */
const SHAPES = {
  events: { orderBy: 'received_at', due: false },
  triggers: { orderBy: 'next_attempt_at', due: true },
  outbox: { orderBy: 'next_attempt_at', due: true },
} as const;

/**
 * The leased queue over one of the three work tables (`events`, `triggers`, `outbox`):
 * - `claim(limit)`: up to `limit` claimable rows, leased to this process for `leaseMs`
 *   (one statement; `FOR UPDATE SKIP LOCKED` on PostgreSQL). A row whose holder crashed
 *   is claimable again once its lease runs out.
 * - `release(ids)`: gives rows we claimed but will not work back, `pending` and claimable
 *   at once (lease cleared); only rows still `pending` and leased to us. Returns the count.
 * - `settle(db, id, status, values)`: finishes or reschedules a row we still hold —
 *   only while it is `pending` and leased to us, so a row whose lease we lost, or that an
 *   operator cancelled meanwhile, is left alone (returns false). The lease is released.
 * - `fail(db, row, settlement, values)`: `settle` for a failed attempt (see
 *   `settleFailure`): `pending` again not before the back-off, or `dead`; counted in the
 *   queue metrics and logged, one line with the id and the reason.
 * `db` may be a transaction, so a settle commits with the work it records.
 */
export function createQueue<T extends LeasedTable>(options: QueueOptions<T>) {
  const { name, dialect, owner, leaseMs, metrics, logger } = options;
  const relaxed = options.relaxed ?? ((fn) => fn(options.db));
  const now = options.now ?? Date.now;
  const shape = SHAPES[name];

  async function claimBatch(limit: number): Promise<Row<T>[]> {
    const rows = await relaxed((db) =>
      claim({ db, dialect, table: name, owner, now: now(), leaseMs, limit, ...shape }),
    );
    if (rows.length > 0) metrics.queueClaims.inc({ queue: name }, rows.length);
    return rows;
  }

  async function release(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const table = name as 'outbox';
    const result = await options.db
      .updateTable(table)
      .set({ lease_owner: null, lease_until: 0 })
      .where(inValues(options.db, 'id', ids))
      .where('lease_owner', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async function settle(
    db: Kysely<Database>,
    id: string,
    status: string,
    values: SettleValues = {},
  ): Promise<boolean> {
    const table = name as 'outbox';
    const result = await db
      .updateTable(table)
      .set({ lease_owner: null, lease_until: 0, ...values, status } as never)
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async function fail(
    db: Kysely<Database>,
    row: { id: string },
    settlement: Settlement,
    values: SettleValues = {},
  ): Promise<boolean> {
    // The not-before time lives where the claim looks: `next_attempt_at` on the due-ordered
    // queues; on events the lease itself (released, but running until then).
    const notBefore =
      settlement.status !== 'pending'
        ? {}
        : shape.due
          ? { next_attempt_at: settlement.notBefore }
          : { lease_until: settlement.notBefore };
    const settled = await settle(db, row.id, settlement.status, { ...values, ...notBefore });
    if (!settled) return false;
    if (settlement.status === 'dead') {
      metrics.deadLetters.inc({ queue: name });
      logger.warn({ queue: name, id: row.id, reason: settlement.reason }, `${name}: dead letter`);
    } else {
      metrics.queueRetries.inc({ queue: name });
      logger.info(
        {
          queue: name,
          id: row.id,
          reason: settlement.reason,
          notBefore: new Date(settlement.notBefore).toISOString(),
        },
        `${name}: retry scheduled`,
      );
    }
    return true;
  }

  return { name, claim: claimBatch, release, settle, fail };
}

export type Queue<T extends LeasedTable> = ReturnType<typeof createQueue<T>>;
