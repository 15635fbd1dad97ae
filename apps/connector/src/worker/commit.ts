import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { relaxCommit } from '../db/relaxed-commit.js';
import type { Database, DecisionRowTable, EventStatus } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import { requestPlatformCancel } from '../mail/cancel.js';
import type { EventRow } from '../queue/claim.js';
import { type QuietDecision, type QuietRun, writeDecisions } from '../store/decisions.js';
import { applyMerge } from '../store/merges.js';
import { outboxRow } from '../store/outbox-row.js';
import { otherRecipientId } from '../store/recipient-id.js';
import { triggerInsert } from '../store/trigger-row.js';
import { type BatchLookups, lookupsFor } from './batch-lookups.js';
import { decideLockKeys, takeDecideLocks } from './decide-lock.js';
import { loadGuards } from './guards.js';
import { decideEvent, type Evaluation, type EventPlan, summarise } from './plan.js';
import { applyPrivacyDeletion } from './privacy.js';
import { createRefresher } from './refresh.js';
import { insertTrigger } from './requalify.js';
import { archiveRuns, keepOwnTriggers, nextRuns, standingKey } from './runs.js';
import { type SettleGroup, settleGroups } from './settle-batch.js';

export interface CommitItem {
  row: EventRow;
  evaluation: Evaluation;
}

export interface Committed {
  eventId: string;
  status: EventStatus;
  /** The event's summary reason, as its row states it (`summarise`). */
  reason: string;
  plan: EventPlan;
  triggers: string[];
}

/** Thrown inside the optimistic batch transaction to roll it back: some lease was lost. */
const LEASE_LOST = Symbol('lease lost');

/**
 * Decides and writes a batch of evaluated events in one transaction. Events whose lease
 * we lost are skipped (another worker owns them: no event is decided twice). Inside the
 * transaction events are decided one after another, so each one's policies see the
 * triggers of the events before it; a trigger colliding on its dedupe key (a concurrent
 * process got there first) becomes `already_sent`. One commit for the whole batch.
 *
 * While the leases are fresh (`leaseMs` given and every lease with at least half of it left)
 * the lease check is optimistic: the batch is decided as if every lease held, and the
 * closing status UPDATEs only touch rows still `pending` and leased to `owner` (on
 * PostgreSQL they lock them, re-checking the newest row version). If any row was not (its
 * lease ran out and another process took it, or an operator changed it), the transaction
 * rolls back and the batch is decided again with the leases read (and locked) first. A
 * lost lease is rare; the read it saves was a fifth of the batch's SQLite time, and on
 * PostgreSQL a round trip plus a row lock (a WAL record) per event.
 */
export async function commitBatch(
  db: Kysely<Database>,
  dialect: Dialect,
  owner: string,
  items: readonly CommitItem[],
  now: number,
  /** The lease the items were claimed with; without it the leases are always read first. */
  { leaseMs }: { leaseMs?: number } = {},
): Promise<Committed[]> {
  if (items.length === 0) return [];
  // Optimistic only while every lease has at least half its time left: then no other
  // process can have taken one, and the rare loser (an operator's change) pays the redo. A
  // batch that ran long (an overloaded machine, a slow CRM) may have lost some: read first,
  // so the ones still held commit at once instead of after a redo (which could outlast them).
  const leaseLeftMs = Math.min(...items.map((i) => Number(i.row.lease_until))) - now;
  if (leaseMs !== undefined && leaseLeftMs >= leaseMs / 2) {
    try {
      return await decideBatch(db, dialect, owner, items, now, false);
    } catch (error) {
      if (error !== LEASE_LOST) throw error;
    }
  }
  return decideBatch(db, dialect, owner, items, now, true);
}

async function decideBatch(
  db: Kysely<Database>,
  dialect: Dialect,
  owner: string,
  items: readonly CommitItem[],
  now: number,
  checkLeases: boolean,
): Promise<Committed[]> {
  return db.transaction().execute(async (trx) => {
    await relaxCommit(trx, dialect);
    if (dialect === 'postgres')
      await takeDecideLocks(trx, decideLockKeys(items.map((i) => i.evaluation.workspace)));
    const owned = checkLeases ? await heldLeases(trx, dialect, owner, items) : null;
    const mine = owned ? items.filter((i) => owned.has(i.row.id)) : items;
    const lookups = await lookupsFor(
      trx,
      mine.map((i) => i.evaluation),
    );
    const guards = await loadGuards(
      trx,
      mine.map((i) => i.evaluation),
    );
    // A replayed event (decided before) gets a new decision run; earlier runs stay.
    const runOf = await nextRuns(
      trx,
      mine.filter((i) => i.row.processed_at !== null).map((i) => i.row.id),
    );
    const refresher = await createRefresher(
      trx,
      mine.flatMap((i) => i.evaluation.pending.map((p) => p.id)),
    );
    const committed: Committed[] = [];
    // One time for the whole batch (the policies only read it).
    const decidedAt = new Date(now);
    const decisionRows: DecisionRowTable[] = [];
    const quietRuns: QuietRun[] = [];
    for (const { row, evaluation } of mine) {
      const workspaceId = evaluation.workspace.id;
      const workspaceLookups = lookups.get(workspaceId) as BatchLookups;
      const plan = guards.explain(
        row.id,
        await decideEvent(guards.judge(evaluation), workspaceLookups, decidedAt),
      );
      const triggers: string[] = [];
      for (const decision of plan.decisions) {
        if (!decision.trigger) continue;
        const inserted = await insertTrigger(trx, triggerInsert(decision.trigger));
        if (inserted.inserted) {
          triggers.push(inserted.id);
          decision.trigger = { ...decision.trigger, id: inserted.id };
          workspaceLookups.recordSend({
            recipientKey: decision.trigger.recipient_key,
            campaignId: decision.campaignId,
            createdAt: now,
          });
        } else {
          Object.assign(decision, {
            outcome: 'skipped',
            reason: 'already_sent',
            detail: `trigger ${inserted.existing.id} exists`,
            trigger: null,
          });
        }
      }
      const standing = row.processed_at === null ? null : await keepOwnTriggers(trx, row.id, plan.decisions);
      if (standing?.size) plan.callback = null;
      for (const cancel of plan.cancels) {
        await trx
          .updateTable('triggers')
          .set({ status: 'cancelled', reason: cancel.reason, updated_at: now })
          .where('id', '=', cancel.triggerId)
          .where('status', '=', 'pending')
          .execute();
        await requestPlatformCancel(trx, { triggerId: cancel.triggerId, reason: cancel.reason, now });
        refresher.cancelled(cancel.triggerId);
      }
      if (plan.privacy) {
        await applyPrivacyDeletion(trx, { workspaceId, ...plan.privacy, now });
        refresher.forget();
      }
      if (plan.merge) {
        refresher.forget();
        const merged = await applyMerge(trx, { ...plan.merge, workspaceId, eventId: row.id, now });
        const detail = `${merged.mergedRefs.join(', ')} merged into ${merged.survivorRef}: ${merged.moved} piece(s) moved to the survivor, ${merged.cancelled.length} duplicate pending piece(s) cancelled${merged.cancelled.length ? ` (${merged.cancelled.join(', ')})` : ''}`;
        for (const d of plan.decisions) if (d.reason === 'merged') d.detail = detail;
      }
      for (const refresh of plan.refreshes) await refresher.refresh(refresh, now);
      if (plan.callback)
        await trx
          .insertInto('outbox')
          .values(
            outboxRow(
              workspaceId,
              { type: 'workflow_callback', platform: evaluation.event.platform, ...plan.callback },
              now,
            ),
          )
          .execute();
      const quiet: QuietDecision[] = [];
      for (const d of plan.decisions) {
        // Quiet ones (no_match, no recipient) go to the event's decision set, not a row each.
        if (d.outcome === 'no_match' && !d.recipientRef) {
          quiet.push(d);
          continue;
        }
        decisionRows.push({
          event_id: row.id,
          run: runOf(row.id),
          campaign_id: d.campaignId,
          workspace_id: workspaceId,
          outcome: d.outcome,
          reason: d.reason,
          detail: d.detail,
          trigger_id:
            d.outcome === 'triggered' ? (d.trigger?.id ?? standing?.get(standingKey(d)) ?? null) : null,
          recipient_ref: d.recipientRef ?? '',
          recipient_id: otherRecipientId(d.recipientRef, row),
          created_at: now,
        });
      }
      if (quiet.length > 0) quietRuns.push({ eventId: row.id, run: runOf(row.id), decisions: quiet });
      const summary = summarise(plan.decisions);
      committed.push({ eventId: row.id, status: summary.status, reason: summary.reason, plan, triggers });
    }
    if (committed.length === 0) return committed;
    await guards.save(dialect);
    await archiveRuns(
      trx,
      mine.filter((i) => i.row.processed_at !== null).map((i) => i.row.id),
    );
    const quiet = await writeDecisions(trx, dialect, decisionRows, quietRuns);
    // Most events of a batch end alike ("none of 5 campaigns matched", the same quiet set):
    // one UPDATE per outcome.
    const byOutcome = new Map<string, SettleGroup>();
    for (const { eventId, status, reason } of committed) {
      const named = quiet.get(eventId);
      const key = `${status}\u0000${reason}\u0000${named?.set ?? ''}\u0000${named?.run ?? ''}`;
      const group = byOutcome.get(key) ?? {
        status,
        reason,
        set: named?.set ?? null,
        run: named?.run ?? null,
        ids: [],
      };
      group.ids.push(eventId);
      byOutcome.set(key, group);
    }
    const updated = await settleGroups(trx, dialect, byOutcome.values(), { now, owner, held: !checkLeases });
    if (!checkLeases && updated !== committed.length) throw LEASE_LOST;
    return committed;
  });
}

/**
 * The ids of the items whose events are still `pending` and leased to `owner`; locked on
 * PostgreSQL until the batch commits. Filtered on the primary key only: with
 * `status = 'pending'` in the WHERE, SQLite's planner walks the status index over every
 * pending row instead.
 */
async function heldLeases(
  trx: Kysely<Database>,
  dialect: Dialect,
  owner: string,
  items: readonly CommitItem[],
): Promise<Set<string>> {
  let query = trx
    .selectFrom('events')
    .select(['id', 'status', 'lease_owner'])
    .where(
      inValues(
        trx,
        'id',
        items.map((i) => i.row.id),
      ),
    );
  if (dialect === 'postgres') query = query.forUpdate();
  return new Set(
    (await query.execute()).filter((r) => r.lease_owner === owner && r.status === 'pending').map((r) => r.id),
  );
}
