import { suppressionQuery, type Trigger } from '@hookpost/core';
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { relaxCommit } from '../db/relaxed-commit.js';
import type { Database, DecisionTable, EventStatus, OutboxTable } from '../db/types.js';
import { requestPlatformCancel } from '../mail/cancel.js';
import type { EventRow } from '../store/claim.js';
import { newId } from '../store/ids.js';
import { insertManyIgnoringConflicts } from '../store/insert-many.js';
import { type BatchLookups, lookupsFor } from './batch-lookups.js';
import { decideEvent, type Evaluation, type EventPlan, summarise } from './plan.js';
import { applyPrivacyDeletion } from './privacy.js';

export interface CommitItem {
  row: EventRow;
  evaluation: Evaluation;
}

export interface Committed {
  eventId: string;
  status: EventStatus;
  plan: EventPlan;
  triggers: string[];
}

// Well under SQLite's 32,766 bound parameters per statement (8 columns per decision).
const DECISIONS_PER_INSERT = 500;
const DECISION_COLUMNS = [
  'event_id',
  'campaign_id',
  'workspace_id',
  'outcome',
  'reason',
  'detail',
  'trigger_id',
  'created_at',
] as const;

/**
 * Decides and writes a batch of evaluated events in one transaction. Events whose lease
 * we lost are skipped (another worker owns them: no event is decided twice). Inside the
 * transaction events are decided one after another, so each one's policies see the
 * triggers of the events before it; a trigger colliding on its dedupe key (a concurrent
 * process got there first) becomes `already_sent`. One commit for the whole batch.
 */
export async function commitBatch(
  db: Kysely<Database>,
  dialect: Dialect,
  owner: string,
  items: readonly CommitItem[],
  now: number,
): Promise<Committed[]> {
  if (items.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await relaxCommit(trx, dialect);
    if (dialect === 'postgres') {
      // Caps and cooldowns count the triggers committed so far; two processes deciding at
      // once under READ COMMITTED would each miss the other's and both send. A lock per
      // workspace with such a policy serialises this short step (enrichment stays
      // parallel), taken first and in sorted order so batches never deadlock.
      const spanning = items
        .map((i) => i.evaluation.workspace)
        .filter((w) =>
          w.campaigns.some(
            ({ policy }) =>
              policy.dailyCap !== undefined ||
              policy.cooldownDays !== undefined ||
              policy.maxPerRecipient !== undefined,
          ),
        )
        .map((w) => w.id);
      for (const workspaceId of [...new Set(spanning)].sort())
        await sql`select pg_advisory_xact_lock(hashtext(${`hookpost:decide:${workspaceId}`}))`.execute(trx);
    }
    // Filter on the primary key only: with `status = 'pending'` in the WHERE, SQLite's
    // planner walks the status index over every pending row instead.
    let ownedQuery = trx
      .selectFrom('events')
      .select(['id', 'status', 'lease_owner'])
      .where(
        'id',
        'in',
        items.map((i) => i.row.id),
      );
    if (dialect === 'postgres') ownedQuery = ownedQuery.forUpdate();
    const owned = new Set(
      (await ownedQuery.execute())
        .filter((r) => r.lease_owner === owner && r.status === 'pending')
        .map((r) => r.id),
    );

    const mine = items.filter((i) => owned.has(i.row.id));
    const lookups = await lookupsFor(
      trx,
      mine.map((i) => i.evaluation),
    );
    const committed: Committed[] = [];
    const decisionRows: DecisionTable[] = [];
    for (const { row, evaluation } of mine) {
      const workspaceId = evaluation.workspace.id;
      const workspaceLookups = lookups.get(workspaceId) as BatchLookups;
      const plan = await decideEvent(evaluation, workspaceLookups, new Date(now));
      const triggers: string[] = [];
      for (const decision of plan.decisions) {
        if (!decision.trigger) continue;
        const inserted = await trx
          .insertInto('triggers')
          .values(decision.trigger)
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) {
          triggers.push(inserted.id);
          workspaceLookups.recordSend({
            recipientKey: decision.trigger.recipient_key,
            campaignId: decision.campaignId,
            createdAt: now,
          });
        } else {
          Object.assign(decision, {
            outcome: 'skipped',
            reason: 'already_sent',
            detail: `trigger ${decision.trigger.id} exists`,
            trigger: null,
          });
        }
      }
      for (const cancel of plan.cancels) {
        await trx
          .updateTable('triggers')
          .set({ status: 'cancelled', reason: cancel.reason, updated_at: now })
          .where('id', '=', cancel.triggerId)
          .where('status', '=', 'pending')
          .execute();
        await requestPlatformCancel(trx, { triggerId: cancel.triggerId, reason: cancel.reason, now });
      }
      if (plan.privacy) await applyPrivacyDeletion(trx, { workspaceId, ...plan.privacy, now });
      for (const refresh of plan.refreshes) await refreshRecipient(trx, refresh, now);
      if (plan.callback)
        await trx
          .insertInto('outbox')
          .values(outboxRow('hubspot_callback', workspaceId, plan.callback, now))
          .execute();
      for (const d of plan.decisions) {
        decisionRows.push({
          event_id: row.id,
          campaign_id: d.campaignId,
          workspace_id: workspaceId,
          outcome: d.outcome,
          reason: d.reason,
          detail: d.detail,
          trigger_id: d.outcome === 'triggered' ? (d.trigger?.id ?? null) : null,
          created_at: now,
        });
      }
      committed.push({ eventId: row.id, status: summarise(plan.decisions).status, plan, triggers });
    }
    if (committed.length === 0) return committed;

    // A replayed event (decided before) is decided again: its new decisions replace the old ones.
    const replayed = mine.filter((i) => i.row.processed_at !== null).map((i) => i.row.id);
    if (replayed.length > 0) await trx.deleteFrom('decisions').where('event_id', 'in', replayed).execute();
    for (let i = 0; i < decisionRows.length; i += DECISIONS_PER_INSERT) {
      const chunk = decisionRows.slice(i, i + DECISIONS_PER_INSERT);
      await insertManyIgnoringConflicts(trx, dialect, 'decisions', DECISION_COLUMNS, chunk);
    }
    // Most events of a batch end alike ("none of 5 campaigns matched"): one UPDATE per outcome.
    const byOutcome = new Map<string, { status: EventStatus; reason: string; ids: string[] }>();
    for (const c of committed) {
      const { status, reason } = summarise(c.plan.decisions);
      const key = `${status}\u0000${reason}`;
      const group = byOutcome.get(key) ?? { status, reason, ids: [] };
      group.ids.push(c.eventId);
      byOutcome.set(key, group);
    }
    for (const group of byOutcome.values()) {
      await trx
        .updateTable('events')
        .set({
          status: group.status,
          reason: group.reason,
          processed_at: now,
          lease_owner: null,
          lease_until: 0,
        })
        .where('id', 'in', group.ids)
        .execute();
    }
    return committed;
  });
}

/** Puts a changed name and address on a piece not yet attempted; the CRM reference stays. */
async function refreshRecipient(
  trx: Kysely<Database>,
  { triggerId, recipient }: EventPlan['refreshes'][number],
  now: number,
): Promise<void> {
  const row = await trx
    .selectFrom('triggers')
    .select(['payload', 'attempts', 'status'])
    .where('id', '=', triggerId)
    .executeTakeFirst();
  if (row?.status !== 'pending' || row.attempts > 0) return;
  const payload = JSON.parse(row.payload) as Trigger;
  const { email: _email, ...printable } = recipient;
  payload.recipient = { ...printable, crm: payload.recipient.crm };
  const { crmHash, emailHash, addressHash } = suppressionQuery(recipient);
  await trx
    .updateTable('triggers')
    .set({
      payload: JSON.stringify(payload),
      recipient_hashes: JSON.stringify({ crmHash, emailHash, addressHash }),
      updated_at: now,
    })
    .where('id', '=', triggerId)
    .where('status', '=', 'pending')
    .execute();
}

export function outboxRow(
  kind: OutboxTable['kind'],
  workspaceId: string,
  payload: unknown,
  now: number,
): OutboxTable {
  return {
    id: newId('obx'),
    kind,
    workspace_id: workspaceId,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: 0,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}
