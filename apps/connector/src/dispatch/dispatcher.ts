import { parseDurationMs, type Trigger } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { DestinationConfig, WorkspaceConfig } from '../config/schema.js';
import type { Dialect } from '../db/connect.js';
import { relaxCommit } from '../db/relaxed-commit.js';
import type { Database, OutboxTable } from '../db/types.js';
import type { Logger } from '../log.js';
import { callbackWaitsFor, deferCallback } from '../mail/workflow.js';
import { handOffActivity } from '../mail/write-back.js';
import type { Metrics } from '../metrics.js';
import { claim, type TriggerRow } from '../store/claim.js';
import { newId } from '../store/ids.js';
import { outboxRow } from '../worker/commit.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { nextDelayMs, type RetryPolicy } from './backoff.js';
import { type AttemptResult, deliverWebhook } from './deliver.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  /** Runs store work without an fsync per commit (see `DatabaseHandle.relaxed`). */
  relaxed?: <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  logger: Logger;
  metrics: Metrics;
  owner: string;
  batchSize?: number;
  idleMs?: number;
  /** How long a claimed trigger stays ours; must exceed the longest destination timeout. */
  leaseMs?: number;
  now?: () => number;
}

const DEFAULT_RETRY = { initialDelay: 'PT5S', maxDelay: 'PT1H', maxAge: 'PT24H' };
const ms = (text: string) => parseDurationMs(text) ?? 0;

function retryPolicy(destination: DestinationConfig | undefined): RetryPolicy {
  const retry = destination?.type === 'webhook' ? destination.retry : DEFAULT_RETRY;
  return {
    initialDelayMs: ms(retry.initialDelay),
    maxDelayMs: ms(retry.maxDelay),
    maxAgeMs: ms(retry.maxAge),
  };
}

/**
 * Delivers due triggers (DESIGN §6): re-checks suppression right before hand-off, signs
 * and POSTs, records every attempt, and schedules the retry or declares the trigger
 * `dead`. A trigger's id is its `webhook-id` on every attempt, so a retry after a crash
 * is recognisable as the same piece by the destination.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { db, dialect, workspaces, logger, metrics, owner } = options;
  const relaxed = options.relaxed ?? ((fn) => fn(db));
  const { batchSize = 50, idleMs = 200, leaseMs = 120_000, now = Date.now } = options;

  async function suppressed(row: TriggerRow): Promise<boolean> {
    const hashes = Object.values(JSON.parse(row.recipient_hashes) as Record<string, string | null>).filter(
      (v): v is string => typeof v === 'string',
    );
    if (hashes.length === 0) return false;
    const hit = await db
      .selectFrom('suppressions')
      .select('id')
      .where('workspace_id', '=', row.workspace_id)
      .where('value', 'in', hashes)
      .limit(1)
      .executeTakeFirst();
    return hit !== undefined;
  }

  async function attempt(row: TriggerRow, workspace: WorkspaceConfig | undefined): Promise<AttemptResult> {
    const destination = workspace?.destinations[row.destination];
    const payload = JSON.parse(row.payload) as Trigger;
    if (!destination) {
      const error = workspace
        ? `destination "${row.destination}" is not configured`
        : `workspace ${row.workspace_id} is not configured`;
      return {
        outcome: 'dead',
        statusCode: null,
        error,
        responseBody: null,
        retryAfterMs: null,
        durationMs: 0,
      };
    }
    if (destination.type === 'log') {
      logger.info({ trigger: payload }, 'campaign trigger (log destination)');
      return {
        outcome: 'delivered',
        statusCode: null,
        error: null,
        responseBody: null,
        retryAfterMs: null,
        durationMs: 0,
      };
    }
    return deliverWebhook({
      url: destination.url,
      secret: destination.secret,
      timeoutMs: ms(destination.timeout),
      payload,
      now,
    });
  }

  async function dispatch(row: TriggerRow): Promise<void> {
    const workspace = workspaces.byId(row.workspace_id);
    if (await suppressed(row)) {
      await finish(row, { status: 'cancelled', reason: 'suppressed before hand-off' }, null, workspace);
      return;
    }
    const result = await attempt(row, workspace);
    metrics.deliveryLatency.observe({ outcome: result.outcome }, result.durationMs / 1000);
    const at = now();
    const number = row.attempts + 1;
    let update: { status: 'pending' | 'delivered' | 'dead'; reason: string | null; next?: number };
    if (result.outcome === 'delivered') {
      update = { status: 'delivered', reason: null };
    } else if (result.outcome === 'dead') {
      update = { status: 'dead', reason: result.error ?? 'rejected by the destination' };
    } else {
      const policy = retryPolicy(workspace?.destinations[row.destination]);
      const next = at + nextDelayMs(number, policy, result.retryAfterMs);
      update =
        next - row.retry_window_start > policy.maxAgeMs
          ? { status: 'dead', reason: `retries exhausted after ${number} attempts: ${result.error}` }
          : { status: 'pending', reason: result.error, next };
    }
    await finish(row, update, { ...result, number, at }, workspace);
  }

  async function finish(
    row: TriggerRow,
    update: { status: 'pending' | 'delivered' | 'dead' | 'cancelled'; reason: string | null; next?: number },
    attemptRecord: (AttemptResult & { number: number; at: number }) | null,
    workspace: WorkspaceConfig | undefined,
  ): Promise<void> {
    const at = now();
    await relaxed((db) =>
      db.transaction().execute(async (trx) => {
        await relaxCommit(trx, dialect);
        if (attemptRecord) {
          await trx
            .insertInto('delivery_attempts')
            .values({
              id: newId('att'),
              trigger_id: row.id,
              attempt: attemptRecord.number,
              started_at: attemptRecord.at - attemptRecord.durationMs,
              duration_ms: attemptRecord.durationMs,
              status_code: attemptRecord.statusCode,
              outcome: attemptRecord.outcome,
              error: attemptRecord.error,
              response_body: attemptRecord.responseBody,
            })
            .execute();
        }
        const result = await trx
          .updateTable('triggers')
          .set({
            status: update.status,
            reason: update.reason,
            last_error: attemptRecord?.error ?? null,
            attempts: attemptRecord ? attemptRecord.number : row.attempts,
            next_attempt_at: update.next ?? row.next_attempt_at,
            delivered_at: update.status === 'delivered' ? at : null,
            updated_at: at,
            lease_owner: null,
            lease_until: 0,
          })
          .where('id', '=', row.id)
          .where('lease_owner', '=', owner)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        // Lost the lease (we were too slow) or cancelled meanwhile: leave the row to its new state.
        if (Number(result.numUpdatedRows) !== 1) return;
        const waitFor =
          update.status === 'delivered' && row.callback_id ? await callbackWaitsFor(trx, row.event_id) : null;
        for (const effect of deferCallback(
          sideEffects(row, update.status, update.reason, workspace, at),
          waitFor,
        )) {
          await trx.insertInto('outbox').values(effect).execute();
        }
      }),
    );
    if (update.status !== 'pending') metrics.triggers.inc({ status: update.status });
    logger.debug({ triggerId: row.id, status: update.status, reason: update.reason }, 'trigger attempt');
  }

  function sideEffects(
    row: TriggerRow,
    status: string,
    reason: string | null,
    workspace: WorkspaceConfig | undefined,
    at: number,
  ): OutboxTable[] {
    if (status === 'pending') return [];
    const effects: OutboxTable[] = [];
    if (row.callback_id) {
      const state = status === 'delivered' ? 'SUCCESS' : 'FAIL_CONTINUE';
      effects.push(
        outboxRow('hubspot_callback', row.workspace_id, { callbackId: row.callback_id, state, reason }, at),
      );
    }
    if (status === 'delivered' && workspace) {
      const activity = handOffActivity(workspace, row, at);
      if (activity) effects.push(activity);
    }
    return effects;
  }

  async function runOnce(): Promise<number> {
    const rows = await relaxed((db) =>
      claim({
        db,
        dialect,
        table: 'triggers',
        owner,
        now: now(),
        leaseMs,
        limit: batchSize,
        due: true,
        orderBy: 'next_attempt_at',
      }),
    );
    await Promise.all(
      rows.map((row) =>
        dispatch(row).catch((error: unknown) =>
          logger.error({ err: error, triggerId: row.id }, 'dispatch failed'),
        ),
      ),
    );
    return rows.length;
  }

  return { runOnce, idleMs };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
