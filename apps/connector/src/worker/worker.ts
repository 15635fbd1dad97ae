import type { Campaign, CrmEvent } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { propertiesFor } from '../enrich/properties.js';
import type { CrmReader } from '../enrich/reader.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { claim, type EventRow } from '../store/claim.js';
import { recordRef } from '../store/ids.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { commitPlan, LeaseLostError } from './commit.js';
import { createPolicyLookups } from './lookups.js';
import { type EventPlan, planEvent } from './plan.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  readerFor: (workspace: WorkspaceConfig, platform: 'hubspot' | 'salesforce') => CrmReader | null;
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
  const { batchSize = 100, leaseMs = 60_000, idleMs = 200, maxAttempts = 5, now = Date.now } = options;
  const propertiesByWorkspace = new Map<string, Record<string, string[]>>();
  const properties = (workspace: WorkspaceConfig) => {
    let props = propertiesByWorkspace.get(workspace.id);
    if (!props) {
      const extra: Record<string, string[]> = {};
      if (workspace.hubspot?.optOutProperty) extra.contact = [workspace.hubspot.optOutProperty];
      props = propertiesFor(workspace.campaigns, extra);
      propertiesByWorkspace.set(workspace.id, props);
    }
    return props;
  };

  async function prepare(
    row: EventRow,
  ): Promise<{ row: EventRow; plan?: EventPlan; error?: unknown; unrouted?: boolean }> {
    const workspace = row.workspace_id ? workspaces.byId(row.workspace_id) : undefined;
    if (!workspace) return { row, unrouted: true };
    try {
      const event = JSON.parse(row.payload) as CrmEvent;
      const ref = recordRef(event.platform, event.objectType, event.objectId);
      const pending = await db
        .selectFrom('triggers')
        .select(['id', 'campaign_id', 'source_ref'])
        .where('workspace_id', '=', workspace.id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('source_ref', '=', ref), eb('recipient_ref', '=', ref)]))
        .execute();
      const plan = await planEvent({
        event,
        workspace,
        campaigns: workspace.campaigns as Campaign[],
        reader: options.readerFor(workspace, event.platform),
        properties: properties(workspace),
        lookups: createPolicyLookups(db, workspace.id),
        pending,
        now: new Date(now()),
      });
      return { row, plan };
    } catch (error) {
      return { row, error };
    }
  }

  async function finish(item: Awaited<ReturnType<typeof prepare>>): Promise<void> {
    const { row } = item;
    const at = now();
    if (item.unrouted) {
      await db
        .updateTable('events')
        .set({
          status: 'unrouted',
          reason: `workspace ${row.workspace_id} is no longer configured`,
          processed_at: at,
          lease_owner: null,
        })
        .where('id', '=', row.id)
        .where('lease_owner', '=', owner)
        .execute();
      return;
    }
    if (item.plan) {
      try {
        const result = await commitPlan(db, row, owner, item.plan, at);
        for (const d of item.plan.decisions) metrics.decisions.inc({ outcome: d.outcome });
        if (result.triggers.length > 0) metrics.triggers.inc({ status: 'pending' }, result.triggers.length);
        for (const c of item.plan.cancels) if (c) metrics.triggers.inc({ status: 'cancelled' });
        logger.debug({ eventId: row.id, status: result.status, triggers: result.triggers }, 'event decided');
        return;
      } catch (error) {
        if (error instanceof LeaseLostError) {
          logger.warn({ eventId: row.id }, error.message);
          return;
        }
        item.error = error;
      }
    }
    await recordFailure(row, item.error, at);
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
    const rows = await claim({
      db,
      dialect,
      table: 'events',
      owner,
      now: now(),
      leaseMs,
      limit: batchSize,
      due: false,
      orderBy: 'received_at',
    });
    if (rows.length === 0) return 0;
    const prepared = await Promise.all(rows.map(prepare));
    for (const item of prepared) await finish(item);
    return rows.length;
  }

  return { runOnce, idleMs };
}
