import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { workflowCallback } from '../dispatch/effects.js';
import { requestPlatformCancel } from '../mail/cancel.js';
import { outboxRow } from './outbox-row.js';
import type { OperatorResult } from './replay.js';

export const OPERATOR_CANCEL_REASON = 'cancelled by operator';

/**
 * Cancels a `pending` trigger before it is handed off; a `delivered` one is cancelled at the
 * mail platform instead (`platformCancel: 'requested'`, see `requestPlatformCancel`). A
 * trigger that carries a CRM workflow callback gets its callback completed (`FAIL_CONTINUE`), as the dispatcher does
 * for any trigger that ends without delivery, so the enrolled record does not wait in the
 * workflow forever.
 *
 * @example
 * const result = await cancelTrigger(db, 'trg_…');
 */
export async function cancelTrigger(
  db: Kysely<Database>,
  id: string,
  now = Date.now(),
): Promise<OperatorResult<{ id: string; platformCancel?: 'requested' }>> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('triggers')
      .select(['id', 'status', 'workspace_id', 'callback_id', 'source_ref'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return { ok: false, code: 'not_found', message: `no trigger with id ${id}` } as const;
    // Handed off already: ask the mail platform to cancel it (destination `cancelUrl`).
    if (
      row.status === 'delivered' &&
      (await requestPlatformCancel(trx, { triggerId: id, reason: OPERATOR_CANCEL_REASON, now }))
    )
      return { ok: true, value: { id, platformCancel: 'requested' } } as const;
    if (row.status !== 'pending') {
      return {
        ok: false,
        code: 'conflict',
        message: `trigger ${id} is ${row.status}; only pending triggers can be cancelled`,
      } as const;
    }
    // The dispatcher only finishes rows still `pending`, so an attempt in flight cannot undo this.
    const updated = await trx
      .updateTable('triggers')
      .set({
        status: 'cancelled',
        reason: OPERATOR_CANCEL_REASON,
        lease_owner: null,
        lease_until: 0,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      return { ok: false, code: 'conflict', message: `trigger ${id} changed meanwhile; try again` } as const;
    for (const payload of workflowCallback(row, 'cancelled', OPERATOR_CANCEL_REASON))
      await trx
        .insertInto('outbox')
        .values(outboxRow(row.workspace_id, payload, now))
        .execute();
    return { ok: true, value: { id } } as const;
  });
}
