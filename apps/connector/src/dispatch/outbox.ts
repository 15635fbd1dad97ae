import type { Kysely } from 'kysely';
import type { WorkspaceConfig } from '../config/schema.js';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createQueue } from '../queue/queue.js';
import { OUTBOX_RETRY, settleFailure } from '../queue/settle.js';
import type { OutboxPayload } from '../store/outbox-payload.js';
import { readOutboxRow } from '../store/outbox-row.js';
import type { WorkspaceIndex } from '../workspaces.js';

/**
 * Performs one side effect: against the CRM named by `payload.platform` (complete a
 * workflow callback, record a mail activity), or at the mail platform (`platform_cancel`);
 * throws to be retried.
 */
export type SideEffectRunner = (workspace: WorkspaceConfig, payload: OutboxPayload) => Promise<void>;

const BATCH = 20;

/**
 * Runs the outbox: CRM workflow callbacks and write-back, and cancels at the mail platform,
 * written in the same transaction as the state change that caused them, claimed from the
 * leased queue and retried with the shared back-off until done, else `dead`. A row whose payload cannot be read is dead
 * at once (retrying cannot repair it).
 */
export function createOutboxProcessor(options: {
  db: Kysely<Database>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  run: SideEffectRunner;
  logger: Logger;
  metrics: Metrics;
  owner: string;
  leaseMs?: number;
  now?: () => number;
}) {
  const { db, workspaces, run, logger, now = Date.now } = options;
  const queue = createQueue({ ...options, name: 'outbox', leaseMs: options.leaseMs ?? 60_000, now });

  async function runOnce(): Promise<number> {
    const rows = await queue.claim(BATCH);
    for (const row of rows) {
      const attempt = row.attempts + 1;
      let error: string | null = null;
      let final = false;
      try {
        const workspace = workspaces.byId(row.workspace_id);
        if (!workspace) throw new Error(`workspace ${row.workspace_id} is not configured`);
        let item: ReturnType<typeof readOutboxRow>;
        try {
          item = readOutboxRow(row);
        } catch (invalid) {
          final = true;
          throw new Error(`unreadable ${row.kind} payload: ${(invalid as Error).message.slice(0, 200)}`);
        }
        await run(workspace, item.payload);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
        logger.warn({ outboxId: row.id, kind: row.kind, attempt, err: error }, 'side effect failed');
      }
      const at = now();
      if (error === null) {
        await queue.settle(db, row.id, 'done', { attempts: attempt, last_error: null, updated_at: at });
        continue;
      }
      const settlement = settleFailure(
        { error, attempt, at, windowStart: row.created_at, final },
        OUTBOX_RETRY,
      );
      await queue.fail(db, row, settlement, { attempts: attempt, last_error: error, updated_at: at });
    }
    return rows.length;
  }
  return { runOnce, idleMs: 500 };
}
