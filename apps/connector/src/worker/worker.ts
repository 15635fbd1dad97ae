import type { Campaign } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { claim, type EventRow } from '../store/claim.js';
import { eventFromRow } from '../store/event-row.js';
import { recordRef } from '../store/ids.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { commitBatch } from './commit.js';
import { pendingKey, pendingTriggersFor } from './pending.js';
import { type Evaluation, evaluateEvent, type PendingTrigger } from './plan.js';

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
  maxAttempts?: number;
  now?: () => number;
}

export interface Worker {
  /** Processes one claimed batch; returns how many events it claimed. */
  runOnce(): Promise<number>;
  idleMs: number;
}

const RETRY_BASE_MS = 2_000;

/**
 * The decision worker: claims stored events, routes them to their workspace, enriches
 * them (concurrently, so the CRM clients batch the reads), then decides and commits each
 * event in turn (sequentially, so policies see each other's triggers).
 */
export function createWorker(options: WorkerOptions): Worker {
  const { db, dialect, workspaces, logger, metrics, owner } = options;
  const relaxed = options.relaxed ?? ((fn) => fn(db));
  const { batchSize = 500, leaseMs = 60_000, idleMs = 200, maxAttempts = 5, now = Date.now } = options;

  type Prepared = { row: EventRow; evaluation?: Evaluation; error?: unknown; unrouted?: boolean };

  const pendingByRecord = (rows: readonly EventRow[]) =>
    pendingTriggersFor(
      db,
      rows.map((r) => recordRef(r.platform, r.object_type, r.object_id)),
    );

  async function prepare(row: EventRow, pending: Map<string, PendingTrigger[]>): Promise<Prepared> {
    const workspace = row.workspace_id ? workspaces.byId(row.workspace_id) : undefined;
    if (!workspace) return { row, unrouted: true };
    try {
      const event = eventFromRow(row);
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

  async function recordFailure(row: EventRow, error: unknown, at: number): Promise<void> {
    const attempts = row.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    const final = attempts >= maxAttempts;
    logger.warn(
      { eventId: row.id, attempts, err: message },
      final ? 'event failed' : 'event will be retried',
    );
    await db
      .updateTable('events')
      .set({
        attempts,
        reason: message.slice(0, 1000),
        status: final ? 'failed' : 'pending',
        processed_at: final ? at : null,
        lease_owner: null,
        // Back off before the next try: the lease doubles as "not before".
        lease_until: final ? 0 : at + RETRY_BASE_MS * 2 ** (attempts - 1),
      })
      .where('id', '=', row.id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async function runOnce(): Promise<number> {
    const rows = await relaxed((db) =>
      claim({
        db,
        dialect,
        table: 'events',
        owner,
        now: now(),
        leaseMs,
        limit: batchSize,
        due: false,
        orderBy: 'received_at',
      }),
    );
    if (rows.length === 0) return 0;
    const pending = await pendingByRecord(rows);
    // Enrichment runs concurrently, so the CRM clients can coalesce the reads into batches.
    const prepared = await Promise.all(rows.map((row) => prepare(row, pending)));
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
        .where('id', 'in', unrouted)
        .where('lease_owner', '=', owner)
        .execute();
    }
    for (const p of prepared) if (p.error !== undefined) await recordFailure(p.row, p.error, at);
    const items = prepared.flatMap((p) => (p.evaluation ? [{ row: p.row, evaluation: p.evaluation }] : []));
    try {
      const committed = await relaxed((db) => commitBatch(db, dialect, owner, items, at));
      for (const c of committed) {
        for (const d of c.plan.decisions) {
          metrics.decisions.inc({ outcome: d.outcome, campaign: d.campaignId });
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
      }
      logger.debug({ claimed: rows.length, decided: committed.length }, 'events decided');
    } catch (error) {
      // The whole batch rolled back: count a failed attempt for each event (poison events end `failed`).
      logger.error({ err: error }, 'committing decisions failed');
      for (const item of items) await recordFailure(item.row, error, at);
    }
    return rows.length;
  }

  return { runOnce, idleMs };
}
