import { checkDecisionOutcomes, checkTriggers } from './audit-triggers.js';
import { type Hit, isDelivered } from './destination.js';
import type { LoadReport } from './load.js';
import { readSnapshot, report } from './store-snapshot.js';

export interface AuditInput {
  databaseUrl: string;
  load: LoadReport;
  hits: readonly Hit[];
  /** Campaign ids configured: every decided event has one decision per campaign. */
  campaigns: readonly string[];
  /** The `oncePerRecipient: false` campaign fired by every `city` event. */
  everyEventCampaign: string;
  /** The once-per-recipient campaign fired by `lifecyclestage` events. */
  oncePerRecipientCampaign: string;
}

export interface Counts {
  acknowledged: number;
  decided: number;
  triggered: number;
  delivered: number;
  distinctWebhookIds: number;
  dead: number;
}

export interface Audit {
  counts: Counts;
  /** Every broken guarantee, described; empty when the run was correct. */
  violations: string[];
  /** Delivery attempts recorded as failed (5xx, refused, timed out) and retried. */
  failedAttempts: number;
  /** 2xx answers beyond the first per webhook-id: at-least-once re-sends after a crash. */
  duplicateDeliveries: number;
}

/**
 * Checks the pipeline's guarantees (the pipeline guarantees) after a crash run, from the database and
 * what the destination saw: every acknowledged event decided exactly once per campaign,
 * every trigger delivered under its own `webhook-id`, none dead, none invented.
 */
export async function auditRun(input: AuditInput): Promise<Audit> {
  const { load, hits, campaigns } = input;
  const store = await readSnapshot(input.databaseUrl);
  const violations: string[] = [];
  const events = new Map(store.events.map((e) => [e.id, e]));
  const sent = new Set(load.sent.map((e) => e.id));
  const decisionsOf = new Map<string, typeof store.decisions>();
  for (const d of store.decisions) decisionsOf.set(d.event_id, [...(decisionsOf.get(d.event_id) ?? []), d]);

  report(
    violations,
    'acknowledged events missing from the store',
    load.acknowledged.filter((e) => !events.has(e.id)).map((e) => e.id),
  );
  report(
    violations,
    'stored events that were never sent',
    store.events.filter((e) => !sent.has(e.id)).map((e) => e.id),
  );
  report(
    violations,
    'events not decided (pending, dead or failed)',
    store.events
      .filter((e) => ['pending', 'dead', 'failed'].includes(e.status))
      .map((e) => `${e.id}=${e.status}:${e.reason}`),
  );
  const decidedOnce = (id: string) => {
    const rows = decisionsOf.get(id) ?? [];
    return rows.length === campaigns.length && campaigns.every((c) => rows.some((d) => d.campaign_id === c));
  };
  report(
    violations,
    `acknowledged events without exactly ${campaigns.length} decisions (one per campaign)`,
    load.acknowledged
      .filter((e) => !decidedOnce(e.id))
      .map((e) => `${e.id}=${decisionsOf.get(e.id)?.length ?? 0}`),
  );
  const decided = load.acknowledged.filter(
    (e) =>
      decidedOnce(e.id) && !['pending', 'dead', 'failed'].includes(events.get(e.id)?.status ?? 'pending'),
  ).length;

  checkTriggers(input, store, violations);
  checkDecisionOutcomes(input, store, violations);
  const delivered = hits.filter(isDelivered);
  const distinct = new Set(delivered.map((h) => h.webhookId));
  const known = new Set(store.triggers.map((t) => t.id));
  report(
    violations,
    'destination requests with a bad signature',
    hits.filter((h) => !h.verified).map((h) => h.webhookId),
  );
  report(
    violations,
    'requests whose webhook-id is not the body id',
    hits.filter((h) => h.bodyId !== h.webhookId).map((h) => h.webhookId),
  );
  report(
    violations,
    'triggers never delivered to the destination',
    [...known].filter((id) => !distinct.has(id)),
  );
  report(
    violations,
    'delivered webhook-ids the database does not know',
    [...distinct].filter((id) => !known.has(id)),
  );

  return {
    counts: {
      acknowledged: load.acknowledged.length,
      decided,
      triggered: store.triggers.length,
      delivered: store.triggers.filter((t) => t.status === 'delivered').length,
      distinctWebhookIds: distinct.size,
      dead: store.triggers.filter((t) => t.status === 'dead').length,
    },
    violations,
    failedAttempts: store.failedAttempts,
    duplicateDeliveries: delivered.length - distinct.size,
  };
}
