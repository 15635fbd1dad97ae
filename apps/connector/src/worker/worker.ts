import { backoffDelayMs, type Campaign } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { EventRow } from '../queue/claim.js';
import { createQueue } from '../queue/queue.js';
import { CONFLICT_RETRY, EVENT_RETRY, isTransientConflict, settleFailure } from '../queue/settle.js';
import { eventFromRow } from '../store/event-row.js';
import { recordRef } from '../store/ids.js';
import { eventAsSurvivor, survivorsOf } from '../store/merges.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { commitBatch } from './commit.js';
import { countDecisions } from './decision-counts.js';
import { pendingKey, pendingTriggersFor } from './pending.js';
import { type Evaluation, evaluateEvent, type PendingTrigger } from './plan.js';
import { createPrefetcher } from './prefetch.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  /** Runs store work without an fsync per commit (see `DatabaseHandle.relaxed`). */
  relaxed?: <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  /** The CRM adapters: reads, derived fields and recipients per workspace. */
  registry: Pick<AdapterRegistry, 'crmFor'>;
  logger: Logger;
  metrics: Metrics;
  owner: string;
  batchSize?: number;
  leaseMs?: number;
  idleMs?: number;
  /** Attempts before an event whose decision keeps failing ends `dead` (default 5). */
  maxAttempts?: number;
  /**
   * Claim the next batch while this one is decided (see `createPrefetcher`). Default: on
   * PostgreSQL, where the claim is a round trip the worker would otherwise wait out; not on
   * SQLite, whose claim runs in-process and would gain nothing.
   */
  prefetch?: boolean;
  now?: () => number;
}

export interface Worker {
  /** Processes one claimed batch; returns how many events it claimed. */
  runOnce(): Promise<number>;
  idleMs: number;
  /**
   * Releases the batch claimed ahead, if any (its events go back `pending`, claimable by any
   * worker at once). Call once the loop calling `runOnce` has stopped, before the database
   * closes.
   */
  stop(): Promise<void>;
}

/**
 * The decision worker: claims stored events, routes them to their workspace, enriches
 * them (concurrently, so the CRM clients batch the reads), then decides and commits each
 * event in turn (sequentially, so policies see each other's triggers).
 */
export function createWorker(options: WorkerOptions): Worker {
  const { db, dialect, workspaces, logger, metrics, owner } = options;
  const relaxed = options.relaxed ?? ((fn) => fn(db));
  const { batchSize = 500, leaseMs = 60_000, idleMs = 200, now = Date.now } = options;
  const retry = { ...EVENT_RETRY, maxAttempts: options.maxAttempts ?? EVENT_RETRY.maxAttempts };
  const queue = createQueue({ ...options, name: 'events', leaseMs, now, relaxed });
  const batches =
    (options.prefetch ?? dialect === 'postgres')
      ? createPrefetcher(queue, { limit: batchSize })
      : { take: () => queue.claim(batchSize), stop: async () => 0 };

  type Prepared = {
    row: EventRow;
    evaluation?: Evaluation;
    error?: unknown;
    /** The stored event cannot be read back: retrying cannot help. */
    malformed?: boolean;
    unrouted?: boolean;
  };

  const refOf = (r: EventRow) => recordRef(r.platform, r.object_type, r.object_id);
  const pendingByRecord = (rows: readonly EventRow[], survivors: Map<string, string>) =>
    pendingTriggersFor(db, [
      ...rows.map(refOf),
      ...rows.flatMap((r) => survivors.get(`${r.workspace_id}|${refOf(r)}`) ?? []),
    ]);

  async function prepare(
    row: EventRow,
    pending: Map<string, PendingTrigger[]>,
    survivors: Map<string, string>,
  ): Promise<Prepared> {
    const workspace = row.workspace_id ? workspaces.byId(row.workspace_id) : undefined;
    if (!workspace) return { row, unrouted: true };
    let event: ReturnType<typeof eventFromRow>;
    try {
      event = eventFromRow(row);
    } catch (error) {
      return { row, error, malformed: true };
    }
    // The record was merged away: the event is about the person who lives on in the survivor.
    event = eventAsSurvivor(event, survivors.get(`${workspace.id}|${refOf(row)}`));
    try {
      const evaluation = await evaluateEvent({
        event,
        workspace,
        campaigns: workspace.campaigns as Campaign[],
        crm: options.registry.crmFor(workspace, event.platform),
        pending:
          pending.get(
            pendingKey(workspace.id, recordRef(event.platform, event.objectType, event.objectId)),
          ) ?? [],
      });
      return { row, evaluation };
    } catch (error) {
      return { row, error };
    }
  }

  async function recordFailure(row: EventRow, error: unknown, at: number, malformed = false): Promise<void> {
    const attempt = row.attempts + 1;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    logger.warn({ eventId: row.id, attempt, err: message }, 'deciding the event failed');
    if (malformed) {
      // `failed`, not `dead`: the stored item can never be processed, so it is not retried.
      const settled = await queue.settle(db, row.id, 'failed', {
        attempts: attempt,
        reason: message,
        processed_at: at,
      });
      if (settled) logger.warn({ eventId: row.id, reason: message }, 'event failed: malformed');
      return;
    }
    const settlement = settleFailure({ error: message, attempt, at, windowStart: row.received_at }, retry);
    await queue.fail(db, row, settlement, {
      attempts: attempt,
      reason: settlement.reason.slice(0, 1000),
      processed_at: settlement.status === 'dead' ? at : null,
    });
  }

  async function releaseAfterConflict(row: EventRow, error: unknown, at: number): Promise<void> {
    const delayMs = backoffDelayMs(1, CONFLICT_RETRY);
    const reason = (error as Error).message.slice(0, 1000);
    await queue.fail(db, row, { status: 'pending', reason, notBefore: at + delayMs }, { reason });
  }

  async function runOnce(): Promise<number> {
    const rows = await batches.take();
    if (rows.length === 0) return 0;
    const survivors = await survivorsOf(
      db,
      rows.flatMap((r) => (r.workspace_id ? [{ workspaceId: r.workspace_id, ref: refOf(r) }] : [])),
    );
    const pending = await pendingByRecord(rows, survivors);
    // Enrichment runs concurrently, so the CRM clients can coalesce the reads into batches.
    const prepared = await Promise.all(rows.map((row) => prepare(row, pending, survivors)));
    const at = now();
    const unrouted = prepared.filter((p) => p.unrouted).map((p) => p.row.id);
    if (unrouted.length > 0) {
      await db
        .updateTable('events')
        .set({
          status: 'unrouted',
          reason: 'workspace is no longer configured',
          processed_at: at,
          lease_owner: null,
        })
        .where(inValues(db, 'id', unrouted))
        .where('lease_owner', '=', owner)
        .execute();
    }
    for (const p of prepared) if (p.error !== undefined) await recordFailure(p.row, p.error, at, p.malformed);
    const items = prepared.flatMap((p) => (p.evaluation ? [{ row: p.row, evaluation: p.evaluation }] : []));
    try {
      const committed = await relaxed((db) => commitBatch(db, dialect, owner, items, at, { leaseMs }));
      for (const c of committed) {
        // Only triggered decisions carry a piece: events whose decisions all are quiet skip the walk.
        if (c.triggers.length > 0)
          for (const d of c.plan.decisions) {
            const t = d.trigger;
            // Only the pieces actually stored (a dedupe-key conflict stores none), so the counter agrees with the table.
            if (t && c.triggers.includes(t.id))
              metrics.triggers.inc({
                status: 'pending',
                workspace: t.workspace_id,
                campaign: t.campaign_id,
                destination: t.destination,
              });
          }
        if (c.plan.cancels.length > 0) metrics.triggers.inc({ status: 'cancelled' }, c.plan.cancels.length);
        // The reason's code only: its detail may quote CRM values (an address, a name).
        for (const cancel of c.plan.cancels)
          logger.info(
            { triggerId: cancel.triggerId, eventId: c.eventId, reason: cancel.reason.split(':')[0] },
            'trigger cancelled',
          );
      }
      // Counted per batch: a labelled inc per decision hashed its labels 50 times an event (cpu-prof).
      for (const { outcome, campaign, n } of countDecisions(committed.map((c) => c.plan.decisions)))
        metrics.decisions.inc({ outcome, campaign }, n);
      logger.debug({ claimed: rows.length, decided: committed.length }, 'events decided');
    } catch (error) {
      if (isTransientConflict(error)) {
        // Another process's batch won a lock race; nothing is wrong with these events, so
        // the attempt does not count towards `dead`: they go back soon, spread by jitter.
        logger.warn(
          { err: (error as Error).message, events: items.length },
          'decision batch lost a lock race',
        );
        for (const item of items) await releaseAfterConflict(item.row, error, at);
        return rows.length;
      }
      // The whole batch rolled back: count a failed attempt for each event (poison events end `dead`).
      logger.error({ err: error }, 'committing decisions failed');
      for (const item of items) await recordFailure(item.row, error, at);
    }
    return rows.length;
  }

  async function stop(): Promise<void> {
    const released = await batches.stop();
    if (released > 0) logger.info({ released }, 'events claimed ahead released');
  }

  return { runOnce, idleMs, stop };
}
