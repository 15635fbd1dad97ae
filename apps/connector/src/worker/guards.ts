import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database, PropertyClockTable } from '../db/types.js';
import { recordRef } from '../store/ids.js';
import {
  anyTombstone,
  crmHashOf,
  redactedPayload,
  tombstonedHashes,
  tombstoneKey,
} from '../store/tombstones.js';
import type { Evaluation, EventPlan } from './plan.js';
import { readClocks, saveClocks } from './property-clocks.js';

interface Clock {
  occurredAt: number;
  eventId: string;
}

/** A clock this batch advanced, with what its row is keyed by. */
interface DirtyClock extends Clock {
  workspaceId: string;
  ref: string;
  property: string;
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
  save(dialect: Dialect): Promise<void>;
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
    await readClocks(trx, [...workspaces], [...refs], (workspaceId, ref, property, occurredAt, eventId) =>
      clocks.set(clockKey(workspaceId, ref, property), { occurredAt, eventId }),
    );
  }
  // An event's CRM hash (a SHA-256) only when erasures are in play: the workspaces hold a
  // tombstone, or an event of the batch is a privacy deletion (it tombstones its record).
  // Mostly neither, and hashing every event of the batch was ~1 % of the drain (cpu-prof).
  const hashOf = new Map<string, string>();
  const hashFor = (event: Evaluation['event']): string => {
    let hash = hashOf.get(event.id);
    if (hash === undefined) {
      hash = crmHashOf({
        platform: event.platform,
        object_type: event.objectType,
        object_id: event.objectId,
      });
      hashOf.set(event.id, hash);
    }
    return hash;
  };
  const erased = (await anyTombstone(trx, [...workspaces]))
    ? await tombstonedHashes(
        trx,
        [...workspaces],
        evaluations.map(({ event }) => hashFor(event)),
      )
    : new Set<string>();
  // The clocks this batch advanced, by key (a later event of the batch replaces its entry).
  const dirty = new Map<string, DirtyClock>();
  const details = new Map<string, { reason: string; detail: string }>();
  const redact: string[] = [];

  function staleProperty({ event, workspace }: Evaluation): { property: string; clock: Clock } | null {
    if (event.changes === undefined) return null;
    const properties = Object.keys(event.changes);
    if (properties.length === 0) return null;
    const ref = recordRef(event.platform, event.objectType, event.objectId);
    const at = Date.parse(event.occurredAt);
    const keys: string[] = [];
    const found: (Clock | undefined)[] = [];
    for (const property of properties) {
      const key = clockKey(workspace.id, ref, property);
      const clock = clocks.get(key);
      if (clock && at < clock.occurredAt) return { property, clock };
      keys.push(key);
      found.push(clock);
    }
    for (let i = 0; i < keys.length; i++) {
      const clock = found[i];
      if (clock && at <= clock.occurredAt) continue;
      const advanced: DirtyClock = {
        occurredAt: at,
        eventId: event.id,
        workspaceId: workspace.id,
        ref,
        property: properties[i]!,
      };
      clocks.set(keys[i]!, advanced);
      dirty.set(keys[i]!, advanced);
    }
    return null;
  }

  return {
    judge(evaluation) {
      const { event, workspace } = evaluation;
      const key =
        erased.size > 0 || evaluation.privacy ? tombstoneKey(workspace.id, hashFor(event)) : undefined;
      if (key !== undefined && erased.has(key)) {
        redact.push(event.id);
        details.set(event.id, { reason: 'erased', detail: 'the record was erased by a privacy deletion' });
        // A repeated privacy deletion is applied again (idempotent); nothing else happens.
        return skipAll(evaluation, 'erased', evaluation.privacy);
      }
      if (key !== undefined && evaluation.privacy) erased.add(key);
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
    async save(dialect) {
      const rows: PropertyClockTable[] = [];
      for (const clock of dirty.values())
        rows.push({
          workspace_id: clock.workspaceId,
          record_ref: clock.ref,
          property: clock.property,
          occurred_at: clock.occurredAt,
          event_id: clock.eventId,
        });
      await saveClocks(trx, dialect, rows);
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
