import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { inValues, onSqlite } from '../db/value-list.js';
import { insertChunks } from '../store/decisions.js';
import { recordRef } from '../store/ids.js';
import { crmHashOf, redactedPayload, tombstonedHashes, tombstoneKey } from '../store/tombstones.js';
import type { Evaluation, EventPlan } from './plan.js';

interface Clock {
  occurredAt: number;
  eventId: string;
  dirty: boolean;
}

export interface Guards {
  /**
   * The evaluation to decide: as it is, or with every campaign skipped and nothing
   * reversed when the event's record was erased (`erased`) or a newer change of one of
   * its properties was applied already (`stale_event`).
   */
  judge(evaluation: Evaluation): Evaluation;
  /** Puts the explanation on the decisions `judge` turned into skips. */
  explain(eventId: string, plan: EventPlan): EventPlan;
  /** Writes the advanced clocks and redacts the stored payloads of erased records' events. */
  save(): Promise<void>;
}

/**
 * The order and erasure guards for one batch, read in two queries up front inside the
 * batch transaction and carried forward event by event (events of one batch see each
 * other). Order: per record and property, the `occurredAt` of the newest change applied;
 * an event changing a property older than that is stale (one stale property is enough:
 * its old value must not trigger or reverse anything). Erasure: the record's tombstone.
 */
export async function loadGuards(trx: Kysely<Database>, evaluations: readonly Evaluation[]): Promise<Guards> {
  const clocks = new Map<string, Clock>();
  const refs = new Set<string>();
  const workspaces = new Set<string>();
  for (const { event, workspace } of evaluations) {
    workspaces.add(workspace.id);
    if (event.changes) refs.add(recordRef(event.platform, event.objectType, event.objectId));
  }
  if (refs.size > 0) {
    // Each list as one parameter: the statement's text, and so its prepared form, stays the same.
    const rows = await trx
      .selectFrom('property_clocks')
      .selectAll()
      .where(inValues(trx, 'workspace_id', [...workspaces]))
      .where(inValues(trx, 'record_ref', [...refs]))
      .execute();
    for (const r of rows)
      clocks.set(clockKey(r.workspace_id, r.record_ref, r.property), {
        occurredAt: Number(r.occurred_at),
        eventId: r.event_id,
        dirty: false,
      });
  }
  const hashOf = new Map(
    evaluations.map(({ event }) => [
      event.id,
      crmHashOf({ platform: event.platform, object_type: event.objectType, object_id: event.objectId }),
    ]),
  );
  const erased = await tombstonedHashes(trx, [...workspaces], [...hashOf.values()]);
  const details = new Map<string, { reason: string; detail: string }>();
  const redact: string[] = [];

  function staleProperty({ event, workspace }: Evaluation): { property: string; clock: Clock } | null {
    const ref = recordRef(event.platform, event.objectType, event.objectId);
    const at = Date.parse(event.occurredAt);
    for (const property of Object.keys(event.changes ?? {})) {
      const clock = clocks.get(clockKey(workspace.id, ref, property));
      if (clock && at < clock.occurredAt) return { property, clock };
    }
    for (const property of Object.keys(event.changes ?? {})) {
      const key = clockKey(workspace.id, ref, property);
      const clock = clocks.get(key);
      if (!clock || at > clock.occurredAt)
        clocks.set(key, { occurredAt: at, eventId: event.id, dirty: true });
    }
    return null;
  }

  return {
    judge(evaluation) {
      const { event, workspace } = evaluation;
      const key = tombstoneKey(workspace.id, hashOf.get(event.id) ?? '');
      if (erased.has(key)) {
        redact.push(event.id);
        details.set(event.id, { reason: 'erased', detail: 'the record was erased by a privacy deletion' });
        // A repeated privacy deletion is applied again (idempotent); nothing else happens.
        return skipAll(evaluation, 'erased', evaluation.privacy);
      }
      if (evaluation.privacy) erased.add(key);
      const stale = staleProperty(evaluation);
      if (!stale) return evaluation;
      const detail = `${stale.property} changed at ${new Date(stale.clock.occurredAt).toISOString()} (event ${stale.clock.eventId}); this event is from ${event.occurredAt}`;
      details.set(event.id, { reason: 'stale_event', detail });
      return skipAll(evaluation, 'stale_event', null, { keepUnrelated: true });
    },
    explain(eventId, plan) {
      const found = details.get(eventId);
      if (found) for (const d of plan.decisions) if (d.reason === found.reason) d.detail = found.detail;
      return plan;
    },
    async save() {
      const rows = [...clocks]
        .filter(([, clock]) => clock.dirty)
        .map(([key, clock]) => {
          const [workspaceId, ref, property] = key.split('\u0000') as [string, string, string];
          return {
            workspace_id: workspaceId,
            record_ref: ref,
            property,
            occurred_at: clock.occurredAt,
            event_id: clock.eventId,
          };
        });
      // One statement per chunk (sizes that stay prepared: `insertChunks`); a concurrent
      // batch's newer clock is never moved back.
      for (const [from, to] of insertChunks(rows.length, onSqlite(trx) ? 'sqlite' : 'postgres'))
        await trx
          .insertInto('property_clocks')
          .values(rows.slice(from, to))
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'record_ref', 'property'])
              .doUpdateSet((eb) => ({
                occurred_at: eb.ref('excluded.occurred_at'),
                event_id: eb.ref('excluded.event_id'),
              }))
              .where('property_clocks.occurred_at', '<', (eb) => eb.ref('excluded.occurred_at')),
          )
          .execute();
      for (const id of redact) {
        const row = await trx.selectFrom('events').select('payload').where('id', '=', id).executeTakeFirst();
        if (row)
          await trx
            .updateTable('events')
            .set({ payload: redactedPayload(row.payload) })
            .where('id', '=', id)
            .execute();
      }
    },
  };
}

const clockKey = (workspaceId: string, ref: string, property: string) =>
  `${workspaceId}\u0000${ref}\u0000${property}`;

/**
 * Every campaign skipped with `reason`. With `keepUnrelated`, a campaign whose trigger clause
 * does not concern the event at all (another object or property: `clause: 'trigger'`) keeps
 * its `no_match`: a stale deal event is no concern of a contact campaign.
 */
function skipAll(
  evaluation: Evaluation,
  reason: string,
  privacy: Evaluation['privacy'],
  { keepUnrelated = false }: { keepUnrelated?: boolean } = {},
): Evaluation {
  return {
    ...evaluation,
    verdicts: evaluation.verdicts.map((verdict) =>
      keepUnrelated && verdict.decision.outcome === 'no_match' && verdict.decision.clause === 'trigger'
        ? verdict
        : { ...verdict, decision: { campaignId: verdict.campaign.id, outcome: 'skipped', reason } },
    ),
    cancels: [],
    pending: [],
    privacy,
  };
}
