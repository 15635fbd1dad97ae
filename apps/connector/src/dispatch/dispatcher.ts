import { type BackoffPolicy, type CrmRef, parseDurationMs } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { DestinationConfig, WorkspaceConfig } from '../config/schema.js';
import type { Dialect } from '../db/connect.js';
import { relaxCommit } from '../db/relaxed-commit.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import { callbackWaitsFor, deferCallback } from '../mail/workflow.js';
import type { Metrics } from '../metrics.js';
import type { TriggerRow } from '../queue/claim.js';
import { createQueue } from '../queue/queue.js';
import { type Settlement, settleFailure } from '../queue/settle.js';
import { newId } from '../store/ids.js';
import { outboxRow } from '../store/outbox-row.js';
import { readTriggerRow, type TriggerItem } from '../store/trigger-row.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { type AttemptResult, deliverWebhook } from './deliver.js';
import { effectsFor, type TriggerEnd } from './effects.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  /** Runs store work without an fsync per commit (see `DatabaseHandle.relaxed`). */
  relaxed?: <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  /** Whether a delivered piece is noted on the recipient's CRM record (the adapter registry decides). */
  writeBackEnabled?: (workspace: WorkspaceConfig, recipient: CrmRef) => boolean;
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

/** A destination's `retry:` settings as the shared back-off policy. */
export function retryPolicy(destination: DestinationConfig | undefined): BackoffPolicy {
  const retry = destination?.type === 'webhook' ? destination.retry : DEFAULT_RETRY;
  return {
    initialDelayMs: ms(retry.initialDelay),
    maxDelayMs: ms(retry.maxDelay),
    maxAgeMs: ms(retry.maxAge),
  };
}

const finalAttempt = (error: string): AttemptResult => ({
  outcome: 'dead',
  statusCode: null,
  error,
  responseBody: null,
  retryAfterMs: null,
  durationMs: 0,
});

/** How one claimed trigger ends this round. */
type Outcome =
  | { status: 'delivered' }
  | { status: 'cancelled'; reason: string }
  | { status: 'failure'; settlement: Settlement };

/**
 * Delivers due triggers from the leased `triggers` queue: re-checks suppression right
 * before hand-off, signs and POSTs, records every delivery attempt, and schedules the
 * retry (shared back-off, `Retry-After` as a floor) or declares the trigger `dead`. A
 * trigger's id is its `webhook-id` on every attempt, so a retry after a crash is
 * recognisable as the same piece by the destination.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { db, workspaces, logger, metrics } = options;
  const writeBackEnabled = options.writeBackEnabled ?? (() => false);
  const relaxed = options.relaxed ?? ((fn) => fn(db));
  const { batchSize = 50, idleMs = 200, leaseMs = 120_000, now = Date.now } = options;
  const queue = createQueue({ ...options, name: 'triggers', leaseMs, now, relaxed });

  async function suppressed(item: TriggerItem): Promise<boolean> {
    const { crmHash, emailHash, addressHash } = item.recipientHashes;
    const hashes = [crmHash, emailHash, addressHash].filter((v): v is string => typeof v === 'string');
    if (hashes.length === 0) return false;
    const hit = await db
      .selectFrom('suppressions')
      .select('id')
      .where('workspace_id', '=', item.workspace_id)
      .where('value', 'in', hashes)
      .limit(1)
      .executeTakeFirst();
    return hit !== undefined;
  }

  async function attempt(item: TriggerItem, workspace: WorkspaceConfig | undefined): Promise<AttemptResult> {
    const destination = workspace?.destinations[item.destination];
    if (!workspace) return finalAttempt(`workspace ${item.workspace_id} is not configured`);
    if (!destination) return finalAttempt(`destination "${item.destination}" is not configured`);
    if (!item.payload) return finalAttempt('the trigger was purged by a privacy deletion');
    if (destination.type === 'log') {
      logger.info({ trigger: item.payload }, 'campaign trigger (log destination)');
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
      payload: item.payload,
      now,
    });
  }

  async function dispatch(row: TriggerRow): Promise<void> {
    const workspace = workspaces.byId(row.workspace_id);
    let item: TriggerItem;
    try {
      item = readTriggerRow(row);
    } catch (invalid) {
      // Retrying cannot repair a stored payload: dead at once, kept for the operator.
      const error = `unreadable trigger row: ${(invalid as Error).message.slice(0, 200)}`;
      const bare = { ...row, payload: null, recipientHashes: {} } as TriggerItem;
      await finish(
        bare,
        { status: 'failure', settlement: { status: 'dead', reason: error } },
        null,
        workspace,
      );
      return;
    }
    if (await suppressed(item)) {
      await finish(item, { status: 'cancelled', reason: 'suppressed before hand-off' }, null, workspace);
      return;
    }
    const result = await attempt(item, workspace);
    metrics.deliveryAttemptDuration.observe({ outcome: result.outcome }, result.durationMs / 1000);
    const at = now();
    const number = row.attempts + 1;
    if (result.outcome !== 'delivered')
      logger.warn(
        { triggerId: row.id, attempt: number, statusCode: result.statusCode, err: result.error },
        'delivery attempt failed',
      );
    const outcome: Outcome =
      result.outcome === 'delivered'
        ? { status: 'delivered' }
        : {
            status: 'failure',
            settlement: settleFailure(
              {
                error: result.error ?? 'rejected by the destination',
                attempt: number,
                at,
                windowStart: row.retry_window_start,
                retryAfterMs: result.retryAfterMs,
                final: result.outcome === 'dead',
              },
              retryPolicy(workspace?.destinations[row.destination]),
            ),
          };
    await finish(item, outcome, { ...result, number, at }, workspace);
  }

  async function finish(
    item: TriggerItem,
    outcome: Outcome,
    attemptRecord: (AttemptResult & { number: number; at: number }) | null,
    workspace: WorkspaceConfig | undefined,
  ): Promise<void> {
    const at = now();
    const end: TriggerEnd | 'pending' =
      outcome.status === 'failure'
        ? outcome.settlement.status === 'dead'
          ? 'dead'
          : 'pending'
        : outcome.status;
    const reason =
      outcome.status === 'delivered'
        ? null
        : outcome.status === 'cancelled'
          ? outcome.reason
          : outcome.settlement.reason;
    let settled = false;
    await relaxed((db) =>
      db.transaction().execute(async (trx) => {
        await relaxCommit(trx, options.dialect);
        if (attemptRecord) {
          await trx
            .insertInto('delivery_attempts')
            .values({
              id: newId('att'),
              trigger_id: item.id,
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
        const values = {
          reason,
          last_error: attemptRecord?.error ?? null,
          attempts: attemptRecord ? attemptRecord.number : item.attempts,
          delivered_at: end === 'delivered' ? at : null,
          updated_at: at,
        };
        // Lost the lease (we were too slow) or cancelled meanwhile: leave the row to its new state.
        settled =
          outcome.status === 'failure'
            ? await queue.fail(trx, item, outcome.settlement, values)
            : await queue.settle(trx, item.id, outcome.status, values);
        if (!settled || end === 'pending') return;
        // A workflow action waiting for a later mail status is completed by the way back instead.
        const waitFor =
          end === 'delivered' && item.callback_id ? await callbackWaitsFor(trx, item.event_id) : null;
        const effects = effectsFor(item, end, reason, workspace, at, writeBackEnabled);
        for (const effect of deferCallback(effects, waitFor))
          await trx
            .insertInto('outbox')
            .values(outboxRow(item.workspace_id, effect, at))
            .execute();
      }),
    );
    if (!settled) return;
    if (end !== 'pending')
      metrics.triggers.inc({
        status: end,
        workspace: item.workspace_id,
        campaign: item.campaign_id,
        destination: item.destination,
      });
    if (end === 'cancelled') logger.info({ triggerId: item.id, reason }, 'trigger cancelled');
    else logger.debug({ triggerId: item.id, status: end, reason }, 'trigger attempt');
  }

  async function runOnce(): Promise<number> {
    const rows = await queue.claim(batchSize);
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
