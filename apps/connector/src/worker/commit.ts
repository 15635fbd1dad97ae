import type { Kysely } from 'kysely';
import type { Database, OutboxTable } from '../db/types.js';
import type { EventRow } from '../store/claim.js';
import { newId } from '../store/ids.js';
import { type EventPlan, summarise } from './plan.js';
import { applyPrivacyDeletion } from './privacy.js';

export class LeaseLostError extends Error {
  constructor(eventId: string) {
    super(`[@hookpost/connector] lease on event ${eventId} expired before commit; another worker owns it`);
  }
}

export interface CommitResult {
  status: string;
  triggers: string[];
  duplicates: number;
}

/**
 * Writes one event's outcome in a single transaction: its triggers (unique per dedupe
 * key — a concurrent duplicate becomes `already_sent`), its decisions, reversals, a
 * workflow callback, and its final status. The status update is guarded by our lease, so
 * an event whose lease expired mid-way is left to its new owner and never decided twice.
 */
export async function commitPlan(
  db: Kysely<Database>,
  row: EventRow,
  owner: string,
  plan: EventPlan,
  now: number,
): Promise<CommitResult> {
  return db.transaction().execute(async (trx) => {
    const created: string[] = [];
    let duplicates = 0;
    for (const decision of plan.decisions) {
      if (!decision.trigger) continue;
      const inserted = await trx
        .insertInto('triggers')
        .values(decision.trigger)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        created.push(inserted.id);
      } else {
        duplicates++;
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
    }
    // Replays decide again: the latest decisions replace the earlier ones.
    await trx.deleteFrom('decisions').where('event_id', '=', row.id).execute();
    if (plan.decisions.length > 0) {
      await trx
        .insertInto('decisions')
        .values(
          plan.decisions.map((d) => ({
            event_id: row.id,
            campaign_id: d.campaignId,
            workspace_id: row.workspace_id ?? '',
            outcome: d.outcome,
            reason: d.reason,
            detail: d.detail,
            trigger_id: d.outcome === 'triggered' ? (d.trigger?.id ?? null) : null,
            created_at: now,
          })),
        )
        .execute();
    }
    if (plan.privacy && row.workspace_id) {
      await applyPrivacyDeletion(trx, { workspaceId: row.workspace_id, ...plan.privacy, now });
    }
    if (plan.callback) {
      await trx
        .insertInto('outbox')
        .values(outboxRow('hubspot_callback', row.workspace_id ?? '', plan.callback, now))
        .execute();
    }
    const { status, reason } = summarise(plan.decisions);
    const updated = await trx
      .updateTable('events')
      .set({ status, reason, processed_at: now, lease_owner: null, lease_until: 0 })
      .where('id', '=', row.id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLostError(row.id);
    return { status, triggers: created, duplicates };
  });
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
