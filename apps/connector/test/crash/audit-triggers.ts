import type { AuditInput } from './audit.js';
import { isDelivered } from './destination.js';
import { report, type Snapshot } from './store-snapshot.js';

/** Trigger-level guarantees: one per event (or per recipient), all delivered, each decided once. */
export function checkTriggers(input: AuditInput, store: Snapshot, violations: string[]): void {
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

/**
 * Each event's decisions say what its triggers say: a `city` event's decision for the
 * every-event campaign is `triggered` with its own trigger; a `lifecyclestage` event's
 * decision for the once-per-recipient campaign is `triggered` for exactly one event per
 * contact and `skipped: already_sent` for the rest. Either may instead be
 * `skipped: stale_event`: several senders deliver a contact's changes out of order, and an
 * event older than a change already applied to that property never acts.
 */
const isStale = (d: { outcome: string; reason: string | null } | undefined) =>
  d?.outcome === 'skipped' && d.reason === 'stale_event';

export function checkDecisionOutcomes(input: AuditInput, store: Snapshot, violations: string[]): void {
  const { load, everyEventCampaign: every, oncePerRecipientCampaign: once } = input;
  const decision = new Map(store.decisions.map((d) => [`${d.event_id} ${d.campaign_id}`, d]));
  const triggers = new Map(store.triggers.map((t) => [t.id, t]));
  const describe = (d: Snapshot['decisions'][number] | undefined) =>
    d ? `${d.outcome}:${d.reason ?? ''}` : 'none';
  report(
    violations,
    `city events whose "${every}" decision is not "triggered" with that event's trigger`,
    load.acknowledged
      .filter((e) => e.property === 'city')
      .filter((e) => {
        const d = decision.get(`${e.id} ${every}`);
        if (isStale(d)) return false;
        return d?.outcome !== 'triggered' || triggers.get(d.trigger_id ?? '')?.event_id !== e.id;
      })
      .map((e) => `${e.id}=${describe(decision.get(`${e.id} ${every}`))}`),
  );
  report(
    violations,
    `lifecyclestage events whose "${once}" decision is not "triggered", "skipped: already_sent" or "skipped: stale_event"`,
    load.acknowledged
      .filter((e) => e.property === 'lifecyclestage')
      .filter((e) => {
        const d = decision.get(`${e.id} ${once}`);
        return !(
          d?.outcome === 'triggered' ||
          (d?.outcome === 'skipped' && d.reason === 'already_sent') ||
          isStale(d)
        );
      })
      .map((e) => `${e.id}=${describe(decision.get(`${e.id} ${once}`))}`),
  );
}
