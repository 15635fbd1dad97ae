import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { DECISION_COLUMNS, deleteDecisions } from '../store/decisions.js';
import type { PlannedDecision } from './plan.js';

/**
 * The run number each event's new decisions get: 1 for a first decision, one more than
 * the latest stored run for a replayed event (earlier runs stay as they were).
 */
export async function nextRuns(
  trx: Kysely<Database>,
  replayedEventIds: readonly string[],
): Promise<(eventId: string) => number> {
  const latest = new Map<string, number>();
  if (replayedEventIds.length > 0) {
    const rows = await trx
      .selectFrom('decisions')
      .select(['event_id', (eb) => eb.fn.max('run').as('run')])
      .where('event_id', 'in', replayedEventIds)
      .groupBy('event_id')
      .execute();
    for (const r of rows) latest.set(r.event_id, Number(r.run));
  }
  return (eventId) => (latest.get(eventId) ?? 0) + 1;
}

/**
 * Moves the replayed events' current decisions to `decision_history` (unchanged) so the
 * new run can take their place in `decisions`. Runs inside the batch transaction.
 */
export async function archiveRuns(trx: Kysely<Database>, replayedEventIds: readonly string[]): Promise<void> {
  if (replayedEventIds.length === 0) return;
  await trx
    .insertInto('decision_history')
    .columns(DECISION_COLUMNS)
    .expression((eb) =>
      eb.selectFrom('decisions').select(DECISION_COLUMNS).where('event_id', 'in', replayedEventIds),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await deleteDecisions(trx, replayedEventIds);
}

/**
 * A replayed event whose earlier run made a piece meets that piece again (the policies
 * say `already_sent`, the dedupe key is taken). That is the event's own trigger, not a
 * new reason to skip: the new run says `triggered`, names the standing trigger and says
 * no new piece was made (`reason: replayed`). Pieces made by other events stay `already_sent`.
 * Returns the standing trigger id per campaign and recipient it rewrote (`standingKey`).
 */
export async function keepOwnTriggers(
  trx: Kysely<Database>,
  eventId: string,
  decisions: PlannedDecision[],
): Promise<Map<string, string>> {
  const standing = new Map<string, string>();
  const blocked = decisions.filter((d) => d.outcome === 'skipped' && d.reason === 'already_sent');
  if (blocked.length === 0) return standing;
  const own = await trx
    .selectFrom('triggers')
    .select(['id', 'campaign_id', 'recipient_ref', 'status'])
    .where('event_id', '=', eventId)
    .where('status', '!=', 'cancelled')
    .execute();
  for (const decision of blocked) {
    const trigger = own.find(
      (t) =>
        t.campaign_id === decision.campaignId &&
        (decision.recipientRef === null || t.recipient_ref === decision.recipientRef),
    );
    if (!trigger) continue;
    Object.assign(decision, {
      outcome: 'triggered',
      reason: 'replayed',
      detail: `trigger ${trigger.id} (${trigger.status}) made by an earlier run stands; no new piece`,
      trigger: null,
    });
    standing.set(standingKey(decision), trigger.id);
  }
  return standing;
}

/** The key of `keepOwnTriggers`' answer: one campaign's decision for one recipient. */
export const standingKey = (d: Pick<PlannedDecision, 'campaignId' | 'recipientRef'>) =>
  `${d.campaignId}\u0000${d.recipientRef ?? ''}`;
