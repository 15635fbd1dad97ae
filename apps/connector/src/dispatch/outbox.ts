import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Dialect } from '../db/connect.js';
import type { Database, OutboxTable } from '../db/types.js';
import type { Logger } from '../log.js';
import { claim } from '../store/claim.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { nextDelayMs } from './backoff.js';

/** Performs one side effect against a CRM; throws to be retried. */
export type SideEffectRunner = (
  kind: OutboxTable['kind'],
  workspace: WorkspaceConfig,
  payload: unknown,
) => Promise<void>;

const MAX_ATTEMPTS = 12;
const RETRY = { initialDelayMs: 5_000, maxDelayMs: 15 * 60_000, maxAgeMs: 24 * 3_600_000 };

/**
 * Runs the outbox: HubSpot workflow callbacks and CRM write-back, written in the same
 * transaction as the state change that caused them, retried with back-off until done.
 */
export function createOutboxProcessor(options: {
  db: Kysely<Database>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  run: SideEffectRunner;
  logger: Logger;
  owner: string;
  leaseMs?: number;
  now?: () => number;
}) {
  const { db, dialect, workspaces, run, logger, owner, leaseMs = 60_000, now = Date.now } = options;
  async function runOnce(): Promise<number> {
    const rows = await claim({
      db,
      dialect,
      table: 'outbox',
      owner,
      now: now(),
      leaseMs,
      limit: 20,
      due: true,
      orderBy: 'next_attempt_at',
    });
    for (const row of rows) {
      const workspace = workspaces.byId(row.workspace_id);
      const attempts = row.attempts + 1;
      let error: string | null = null;
      try {
        if (!workspace) throw new Error(`workspace ${row.workspace_id} is not configured`);
        await run(row.kind, workspace, JSON.parse(row.payload));
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
        logger.warn({ outboxId: row.id, kind: row.kind, attempts, err: error }, 'side effect failed');
      }
      const at = now();
      await db
        .updateTable('outbox')
        .set({
          status: error === null ? 'done' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          attempts,
          last_error: error,
          next_attempt_at: error === null ? row.next_attempt_at : at + nextDelayMs(attempts, RETRY),
          lease_owner: null,
          lease_until: 0,
          updated_at: at,
        })
        .where('id', '=', row.id)
        .where('lease_owner', '=', owner)
        .execute();
    }
    return rows.length;
  }
  return { runOnce, idleMs: 500 };
}
