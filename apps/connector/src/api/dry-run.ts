import type { Campaign, CrmEvent } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { Database, EventStatus } from '../db/types.js';
import { recordRef } from '../store/ids.js';
import { eventOfSurvivor } from '../store/merges.js';
import { pendingKey, pendingTriggersFor } from '../worker/pending.js';
import { planEvent, summarise } from '../worker/plan.js';
import type { WorkspaceIndex } from '../workspaces.js';

/** What a dry run needs: the store (read only), the workspaces and the CRM adapters (reads, derived fields). */
export interface DryRunDeps {
  db: Kysely<Database>;
  workspaces: WorkspaceIndex;
  registry: Pick<AdapterRegistry, 'crmFor'>;
  now?: () => Date;
}

export interface DryRunDecision {
  campaignId: string;
  outcome: 'triggered' | 'no_match' | 'skipped';
  reason: string | null;
  detail: string | null;
  /** The trigger that would be stored and sent (not stored by a dry run). */
  trigger: { id: string; destination: string; sendAt: string | null; payload: unknown } | null;
}

export interface DryRunResult {
  /**
   * The event as decided: for a merged-away record its survivor's object type and id, with
   * `source.mergedFrom` (and `mergedFromType` across object types) naming the id received.
   */
  event: CrmEvent;
  workspace: string | null;
  status: EventStatus;
  reason: string;
  decisions: DryRunDecision[];
  /** Pending triggers this event would cancel (a reversal or a deletion). */
  cancels: { triggerId: string; reason: string }[];
}

/**
 * Decides events exactly as the worker would — same routing, merged ids read as their
 * survivor, CRM lookups, policies against the stored history — and writes nothing: `planEvent` only reads, and its
 * trigger rows are returned instead of inserted. A `workspace` overrides routing by account.
 *
 * @example
 * const [result] = await dryRunEvents(deps, [event]);
 * result.decisions.map((d) => `${d.campaignId}: ${d.outcome} ${d.reason ?? ''}`);
 */
export async function dryRunEvents(
  deps: DryRunDeps,
  events: readonly CrmEvent[],
  { workspace: workspaceId }: { workspace?: string } = {},
): Promise<DryRunResult[]> {
  const results: DryRunResult[] = [];
  for (const event of events) results.push(await dryRunOne(deps, event, workspaceId));
  return results;
}

async function dryRunOne(
  deps: DryRunDeps,
  received: CrmEvent,
  workspaceId: string | undefined,
): Promise<DryRunResult> {
  const { db } = deps;
  const workspace = workspaceId ? deps.workspaces.byId(workspaceId) : deps.workspaces.forEvent(received);
  const base = { event: received, workspace: workspace?.id ?? null, cancels: [], decisions: [] };
  if (!workspace)
    return {
      ...base,
      status: 'unrouted',
      reason: `no workspace for ${received.platform} account ${received.accountId}`,
    };
  try {
    // A merged-away record (a merge's loser, a converted Lead) is decided as its survivor, as the worker does.
    const event = await eventOfSurvivor(db, workspace.id, received);
    const ref = recordRef(event.platform, event.objectType, event.objectId);
    const pending = (await pendingTriggersFor(db, [ref])).get(pendingKey(workspace.id, ref)) ?? [];
    const plan = await planEvent({
      event,
      workspace,
      campaigns: workspace.campaigns as Campaign[],
      crm: deps.registry.crmFor(workspace, event.platform),
      db,
      pending,
      now: deps.now?.() ?? new Date(),
    });
    const { status, reason } = summarise(plan.decisions);
    return {
      ...base,
      event,
      status,
      reason,
      cancels: plan.cancels,
      decisions: plan.decisions.map((d) => ({
        campaignId: d.campaignId,
        outcome: d.outcome,
        reason: d.reason,
        detail: d.detail,
        trigger: d.trigger
          ? {
              id: d.trigger.id,
              destination: d.trigger.destination,
              sendAt: d.trigger.send_at == null ? null : new Date(d.trigger.send_at).toISOString(),
              payload: d.trigger.payload,
            }
          : null,
      })),
    };
  } catch (error) {
    // The worker would retry and then mark the event `failed` with this message.
    return { ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
