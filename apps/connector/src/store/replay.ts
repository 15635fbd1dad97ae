import type { Kysely } from 'kysely';
import type { Database, TriggerStatus } from '../db/types.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { MALFORMED_REASON } from './malformed.js';

/** What an operator action did, or why it could not (the API maps `code` to 404 / 409). */
export type OperatorResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: 'not_found' | 'conflict'; message: string };

/** Only finished-but-unsuccessful triggers are replayed: a pending one is still being worked on. */
export const REPLAYABLE_TRIGGER_STATUSES: readonly TriggerStatus[] = ['dead', 'cancelled'];

const notFound = (what: string, id: string) =>
  ({ ok: false, code: 'not_found', message: `no ${what} with id ${id}` }) as const;

/** The row update that puts a trigger back in the dispatcher's queue with a fresh retry window. */
function requeue(now: number) {
  return {
    status: 'pending' as const,
    reason: 'replayed by operator',
    next_attempt_at: now,
    retry_window_start: now,
    delivered_at: null,
    lease_owner: null,
    lease_until: 0,
    updated_at: now,
  };
}

/**
 * Replays one `dead` or `cancelled` trigger: it becomes `pending`, due now, with a new
 * retry window (maxAge counts from the replay); its attempt count is kept so the history
 * stays readable. Its id, the `webhook-id`, is unchanged, so the destination can de-duplicate.
 *
 * @example
 * const result = await replayTrigger(db, 'trg_…');
 * if (!result.ok) console.error(result.message);
 */
export async function replayTrigger(
  db: Kysely<Database>,
  id: string,
  now = Date.now(),
): Promise<OperatorResult<{ id: string; previousStatus: TriggerStatus }>> {
  const row = await db
    .selectFrom('triggers')
    .select(['id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return notFound('trigger', id);
  if (!REPLAYABLE_TRIGGER_STATUSES.includes(row.status)) {
    return {
      ok: false,
      code: 'conflict',
      message: `trigger ${id} is ${row.status}; only dead or cancelled triggers can be replayed`,
    };
  }
  // Guarded by the status read above: a concurrent replay or cancel makes this a no-op.
  const updated = await db
    .updateTable('triggers')
    .set(requeue(now))
    .where('id', '=', id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    return { ok: false, code: 'conflict', message: `trigger ${id} changed meanwhile; try again` };
  return { ok: true, value: { id, previousStatus: row.status } };
}

/** Which dead triggers a bulk replay takes: all, or those of a workspace, campaign, destination, time range (created). */
export interface DeadTriggerFilter {
  workspace?: string | undefined;
  campaign?: string | undefined;
  destination?: string | undefined;
  /** Epoch ms, inclusive: created at or after. */
  from?: number | undefined;
  /** Epoch ms, exclusive: created before. */
  to?: number | undefined;
  now?: number;
}

/**
 * Replays every `dead` trigger matching the filter in one statement.
 *
 * @example
 * const { ids } = await replayDeadTriggers(db, { workspace: 'acme', campaign: 'welcome-pack' });
 */
export async function replayDeadTriggers(
  db: Kysely<Database>,
  { workspace, campaign, destination, from, to, now = Date.now() }: DeadTriggerFilter = {},
): Promise<{ ids: string[] }> {
  let query = db.updateTable('triggers').set(requeue(now)).where('status', '=', 'dead');
  if (workspace) query = query.where('workspace_id', '=', workspace);
  if (campaign) query = query.where('campaign_id', '=', campaign);
  if (destination) query = query.where('destination', '=', destination);
  if (from !== undefined) query = query.where('created_at', '>=', from);
  if (to !== undefined) query = query.where('created_at', '<', to);
  const rows = await query.returning('id').execute();
  return { ids: rows.map((r) => r.id) };
}

/**
 * Sends a `delivered` trigger once more, under the same id and so the same `webhook-id`
 * (a destination that lost it takes it; one that has it de-duplicates). Its delivery history stays.
 *
 * @example
 * const result = await resendTrigger(db, 'trg_…');
 */
export async function resendTrigger(
  db: Kysely<Database>,
  id: string,
  now = Date.now(),
): Promise<OperatorResult<{ id: string }>> {
  const row = await db
    .selectFrom('triggers')
    .select(['id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return notFound('trigger', id);
  if (row.status !== 'delivered')
    return {
      ok: false,
      code: 'conflict',
      message: `trigger ${id} is ${row.status}; only delivered triggers can be resent (replay a dead or cancelled one)`,
    };
  const updated = await db
    .updateTable('triggers')
    .set({ ...requeue(now), reason: 'resent by operator' })
    .where('id', '=', id)
    .where('status', '=', 'delivered')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    return { ok: false, code: 'conflict', message: `trigger ${id} changed meanwhile; try again` };
  return { ok: true, value: { id } };
}

/**
 * Sends a stored event through the worker again: `pending`, lease cleared, attempts 0
 * (`processed_at` keeps the previous decision time).
 * The worker's commit replaces the old decisions, and the triggers' dedupe keys keep a
 * recipient from getting a second piece. An event stored as `unrouted` is routed again
 * first, so a workspace added to the configuration since then picks it up.
 *
 * @example
 * const result = await replayEvent(db, workspaces, 'evt_…');
 */
export async function replayEvent(
  db: Kysely<Database>,
  workspaces: WorkspaceIndex,
  id: string,
): Promise<OperatorResult<{ id: string; workspace: string }>> {
  const row = await db
    .selectFrom('events')
    .select(['id', 'status', 'reason', 'platform', 'account_id', 'workspace_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return notFound('event', id);
  if (row.status === 'failed' && row.reason === MALFORMED_REASON)
    return {
      ok: false,
      code: 'conflict',
      message: `event ${id} is an unreadable item (malformed): there is nothing to decide; its raw item and parse error are in its payload`,
    };
  if (row.status === 'pending')
    return {
      ok: false,
      code: 'conflict',
      message: `event ${id} is pending already: the worker will decide it`,
    };
  const workspace =
    (row.workspace_id ? workspaces.byId(row.workspace_id) : undefined) ??
    workspaces.forAccount(row.platform, row.account_id);
  if (!workspace) {
    return {
      ok: false,
      code: 'conflict',
      message: `no workspace for ${row.platform} account ${row.account_id}: add one to the configuration, then replay`,
    };
  }
  const updated = await db
    .updateTable('events')
    .set({
      status: 'pending',
      reason: null,
      workspace_id: workspace.id,
      attempts: 0,
      lease_owner: null,
      lease_until: 0,
      // processed_at stays: it tells the worker's commit that decisions exist to be replaced.
    })
    .where('id', '=', id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    return { ok: false, code: 'conflict', message: `event ${id} changed meanwhile; try again` };
  return { ok: true, value: { id, workspace: workspace.id } };
}
