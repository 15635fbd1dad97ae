import { openDatabase } from '../../src/db/connect.js';
import { type Hit, isDelivered } from './destination.js';
import type { LoadReport } from './load.js';

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

const SHOWN = 5;

function report(violations: string[], what: string, items: readonly string[]): void {
  if (items.length === 0) return;
  const more = items.length > SHOWN ? ` (+${items.length - SHOWN} more)` : '';
  violations.push(`${items.length} ${what}: ${items.slice(0, SHOWN).join(', ')}${more}`);
}

async function readStore(databaseUrl: string) {
  const handle = openDatabase(databaseUrl);
  try {
    const db = handle.db;
    const [events, decisions, triggers, failed] = await Promise.all([
      db.selectFrom('events').select(['id', 'status', 'reason']).execute(),
      db
        .selectFrom('decisions')
        .select(['event_id', 'campaign_id', 'outcome', 'reason', 'trigger_id'])
        .execute(),
      db
        .selectFrom('triggers')
        .select([
          'id',
          'dedupe_key',
          'campaign_id',
          'event_id',
          'source_ref',
          'status',
          'reason',
          'attempts',
          'lease_owner',
          'lease_until',
        ])
        .execute(),
      db
        .selectFrom('delivery_attempts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('outcome', '!=', 'delivered')
        .executeTakeFirst(),
    ]);
    return { events, decisions, triggers, failedAttempts: Number(failed?.n ?? 0) };
  } finally {
    await handle.close();
  }
}

/**
 * Checks the pipeline's guarantees (DESIGN §2) after a crash run, from the database and
 * what the destination saw: every acknowledged event decided exactly once per campaign,
 * every trigger delivered under its own `webhook-id`, none dead, none invented.
 */
export async function auditRun(input: AuditInput): Promise<Audit> {
  const { load, hits, campaigns } = input;
  const store = await readStore(input.databaseUrl);
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
    'events not decided (pending or failed)',
    store.events
      .filter((e) => e.status === 'pending' || e.status === 'failed')
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
    (e) => decidedOnce(e.id) && !['pending', 'failed'].includes(events.get(e.id)?.status ?? 'pending'),
  ).length;

  checkTriggers(input, store, violations);
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

type Store = Awaited<ReturnType<typeof readStore>>;

/** Trigger-level guarantees: one per event (or per recipient), all delivered, each decided once. */
function checkTriggers(input: AuditInput, store: Store, violations: string[]): void {
  const { load, hits, everyEventCampaign: every, oncePerRecipientCampaign: once } = input;
  const triggers = store.triggers;
  report(
    violations,
    'triggers not delivered',
    triggers
      .filter((t) => t.status !== 'delivered')
      .map(
        (t) =>
          `${t.id}=${t.status}:${t.reason} (attempts ${t.attempts}${t.lease_owner ? `, leased by ${t.lease_owner} for ${Math.round((t.lease_until - Date.now()) / 1000)} s more` : ''})`,
      ),
  );
  const keys = new Map<string, number>();
  for (const t of triggers) keys.set(t.dedupe_key, (keys.get(t.dedupe_key) ?? 0) + 1);
  report(
    violations,
    'dedupe keys with more than one trigger',
    [...keys].filter(([, n]) => n > 1).map(([k]) => k),
  );

  const perEvent = new Map<string, number>();
  for (const t of triggers.filter((t) => t.campaign_id === every))
    perEvent.set(t.event_id, (perEvent.get(t.event_id) ?? 0) + 1);
  report(
    violations,
    `acknowledged city events without exactly one "${every}" trigger`,
    load.acknowledged.filter((e) => e.property === 'city' && perEvent.get(e.id) !== 1).map((e) => e.id),
  );

  const perContact = new Map<string, number>();
  for (const t of triggers.filter((t) => t.campaign_id === once))
    perContact.set(t.source_ref, (perContact.get(t.source_ref) ?? 0) + 1);
  const lifecycleContacts = new Set(
    load.acknowledged.filter((e) => e.property === 'lifecyclestage').map((e) => e.contactId),
  );
  report(
    violations,
    `contacts with a lifecyclestage event and not exactly one "${once}" trigger`,
    [...lifecycleContacts].filter((c) => perContact.get(`hubspot:contact:${c}`) !== 1),
  );
  const idsPerRecipient = new Map<string, Set<string>>();
  for (const h of hits.filter((h) => h.campaignId === once && isDelivered(h))) {
    const ids = idsPerRecipient.get(h.recipientId ?? '') ?? new Set<string>();
    idsPerRecipient.set(h.recipientId ?? '', ids.add(h.webhookId));
  }
  report(
    violations,
    `recipients that received more than one distinct "${once}" webhook-id`,
    [...idsPerRecipient].filter(([, ids]) => ids.size > 1).map(([r]) => r),
  );

  const triggeredDecisions = new Map<string, number>();
  for (const d of store.decisions.filter((d) => d.outcome === 'triggered'))
    triggeredDecisions.set(d.trigger_id ?? '', (triggeredDecisions.get(d.trigger_id ?? '') ?? 0) + 1);
  report(
    violations,
    'triggers not referenced by exactly one "triggered" decision',
    triggers.filter((t) => triggeredDecisions.get(t.id) !== 1).map((t) => t.id),
  );
}
