import fc from 'fast-check';
import { expect } from 'vitest';
import type { EventView } from './guarantees.js';
import {
  knownGroup,
  LEADS,
  type Lead,
  type PersonRecords,
  RECORDS,
  type Rec,
  refOf,
} from './salesforce-people.js';
import type { SalesforceScenario } from './salesforce-scenario.js';

/**
 * What the Salesforce guarantees property generates per person, and the invariants it checks
 * after each interleaving.
 */
export const CONTACT_UPDATE = `
      - id: contact-update
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: outbound_message }
        policy: { oncePerRecipient: false }`;
export type Command =
  | { k: 'qualify' | 'reverse'; r: Rec; minute: number }
  | { k: 'convert'; r: Lead; into: 'new' | 'c' | 'other'; tell: 'outbound' | 'cdc' | 'read' }
  | { k: 'merge'; loser: Rec; master: Rec }
  | { k: 'duplicate' | 'replay' | 'resend'; i: number }
  | { k: 'erase' | 'optOut'; r: Rec };

// Weighted to the records that exist from the start, so two of them qualify before they become one.
const rec = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Rec>('l', 'm') },
  { weight: 1, arbitrary: fc.constantFrom<Rec>(...RECORDS) },
);
const contact = fc.constantFrom<Rec>('c', 'xl', 'xm');
const minute = fc.integer({ min: 0, max: 30 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('qualify' as const), r: rec, minute }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('reverse' as const), r: rec, minute }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('convert' as const),
      r: fc.constantFrom<Lead>(...LEADS),
      into: fc.constantFrom('c' as const, 'other' as const, 'new' as const),
      tell: fc.constantFrom('outbound' as const, 'cdc' as const, 'read' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('merge' as const), loser: contact, master: contact }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('duplicate' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('replay' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('resend' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('erase' as const), r: rec }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('optOut' as const), r: rec }) },
);
/** `snapshot`: the outbound messages carry `IsConverted` (so a late one says `false`); else a read tells. */
export const interleaving = fc.record({
  snapshot: fc.boolean(),
  commands: fc.array(command, { minLength: 1, maxLength: 10 }),
});

export interface TriggerView {
  id: string;
  status: string;
  recipientRef: string;
}
export interface Posted {
  id: string;
  checkNoPiece: boolean;
  resend?: () => Promise<string>;
}

/** The campaigns whose pieces stay pending: every piece they ever made is counted. */
const CAMPAIGNS = ['lead-welcome', 'customer-welcome'];

/** What one interleaving posted, replayed and resent. */
export interface Interleaved {
  posted: Posted[];
  replays: { id: string; checkNoPiece: boolean }[];
  resent: Set<string>;
}

/**
 * The guarantees after an interleaving: every event decided with a reason, no piece made for
 * an erased or opted-out person (also by a replay), at most one piece per person and campaign
 * that is not cancelled, and a piece sent again under its own `webhook-id`.
 */
export async function checkGuarantees(
  s: SalesforceScenario,
  p: PersonRecords,
  { posted, replays, resent }: Interleaved,
): Promise<void> {
  // Every event ends with a decision and a reason; none made a piece for an erased or opted-out person.
  for (const e of posted) {
    const event = (await s.api.get<EventView>(`/events/${e.id}`)).body;
    expect(event.status).not.toBe('pending');
    expect(event.reason).toBeTruthy();
    for (const d of event.decisions) expect(d.outcome === 'triggered' || d.reason !== null).toBe(true);
    if (e.checkNoPiece) expect(event.triggers).toEqual([]);
  }
  for (const r of replays) {
    if (!r.checkNoPiece) continue;
    const event = (await s.api.get<EventView>(`/events/${r.id}`)).body;
    const latest = event.runs.at(-1)?.decisions ?? [];
    expect(latest.filter((d) => d.outcome === 'triggered' && d.reason !== 'replayed')).toEqual([]);
  }
  // At most one piece per person and campaign that is not cancelled (a person: the records the
  // connector was told are one, `PersonRecords.known`).
  const roots = new Map<string, Rec[]>();
  for (const r of RECORDS) {
    if (p.ids[r] === undefined) continue;
    const group = knownGroup(p, r);
    roots.set(group.map((o) => refOf(p, o)).join(','), group);
  }
  for (const group of roots.values()) {
    const refs = new Set(group.map((r) => refOf(p, r)));
    for (const campaign of CAMPAIGNS) {
      const live = new Set<string>();
      for (const r of group) {
        const listed = await s.api.get<{ data: TriggerView[] }>(
          `/triggers?campaign=${campaign}&recipient=${p.ids[r]}`,
        );
        expect(listed.status).toBe(200);
        for (const t of listed.body.data)
          if (t.status !== 'cancelled' && refs.has(t.recipientRef)) live.add(t.id);
      }
      expect(
        live.size,
        `${campaign} for ${[...refs].join(', ')}: ${[...live].join(', ')}`,
      ).toBeLessThanOrEqual(1);
    }
  }
  // A piece sent again keeps its webhook-id: the trigger id, on every delivery.
  for (const received of s.receiver.received) expect(received.webhookId).toBe(received.body.id);
  for (const id of resent) {
    if ((await s.api.get<TriggerView>(`/triggers/${id}`)).body.status !== 'delivered') continue;
    expect(s.receiver.received.filter((r) => r.webhookId === id).length).toBeGreaterThanOrEqual(2);
  }
}
