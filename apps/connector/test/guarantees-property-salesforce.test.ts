import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import type { EventView } from './support/guarantees.js';
import {
  blocked,
  conversionTarget,
  knownGroup,
  LEADS,
  type Lead,
  newPerson,
  owner,
  type PersonRecords,
  RECORDS,
  type Rec,
} from './support/salesforce-people.js';
import {
  GERMAN_CONTACT,
  GERMAN_LEAD,
  type SalesforceScenario,
  startSalesforceScenario,
} from './support/salesforce-scenario.js';

/**
 * Interleavings per person in a Salesforce org, through the real worker: Leads that qualify
 * (outbound messages, any `LastModifiedDate` order) and convert — into a new Contact or an
 * existing one, told by an outbound message with the conversion fields, a LeadChangeEvent, or
 * only by a later read of the Lead — Contacts that qualify too and merge (CDC delete with
 * `MasterRecordId`), late messages for a converted Lead, reversals (the address leaves the
 * campaign's countries), Salesforce's retries of a message, replays, erasures (CDC delete
 * without `MasterRecordId`) and opt-outs. `lead-welcome` and `customer-welcome` keep their
 * pieces pending (delay P2D), so every piece ever made is counted; `contact-update` sends
 * every Contact message at once, and delivered pieces are resent.
 */
const CONTACT_UPDATE = `
      - id: contact-update
        destination: mailer
        trigger: { platform: salesforce, object: contact, on: outbound_message }
        policy: { oncePerRecipient: false }`;
type Command =
  | { k: 'qualify' | 'reverse'; r: Rec; minute: number }
  | { k: 'convert'; r: Lead; into: 'new' | 'c' | 'other'; tell: 'outbound' | 'cdc' | 'read' }
  | { k: 'merge'; loser: Rec; master: Rec }
  | { k: 'duplicate' | 'replay' | 'resend'; i: number }
  | { k: 'erase' | 'optOut'; r: Rec };

const rec = fc.constantFrom<Rec>(...RECORDS);
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
      into: fc.constantFrom('new' as const, 'c' as const, 'other' as const),
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
const interleaving = fc.record({
  snapshot: fc.boolean(),
  commands: fc.array(command, { minLength: 1, maxLength: 8 }),
});

interface TriggerView {
  id: string;
  status: string;
  recipientRef: string;
}
interface Posted {
  id: string;
  checkNoPiece: boolean;
  resend?: () => Promise<string>;
}

const CAMPAIGNS = ['lead-welcome', 'customer-welcome'];
/**
 * Whether a conversion that only a read of the Lead showed (no conversion event) is applied
 * as a merge. Today it is not: the event is decided as the Contact's (no second piece for the
 * Contact), but the Lead's own earlier pending piece stays on the Lead, so the Lead's pieces
 * are counted apart from the Contact's. Set true once the worker applies it.
 */
const READ_TELLS_MERGE = false;
const MINUTE_MS = 60_000;
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const isLead = (r: Rec): r is Lead => r === 'l' || r === 'm';
const refOf = (p: PersonRecords, r: Rec) => `salesforce:${isLead(r) ? 'lead' : 'contact'}:${p.ids[r]}`;

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `mailing guarantees under generated Salesforce interleavings: conversions and merges (${dialect.name})`,
    () => {
      let s: SalesforceScenario;
      let people = 0;
      beforeAll(async () => {
        s = await startSalesforceScenario(dialect, CONTACT_UPDATE);
      });
      afterAll(async () => {
        await s?.stop();
      });

      async function run({ snapshot, commands }: { snapshot: boolean; commands: Command[] }): Promise<void> {
        people += 1;
        const p = newPerson(people);
        const t0 = Date.now() - 60 * MINUTE_MS;
        for (const r of LEADS)
          s.salesforce.addRecord('Lead', p.ids[r] as string, { ...GERMAN_LEAD, ...leadFields(p, r) });
        s.salesforce.addRecord('Contact', p.ids.c as string, { ...GERMAN_CONTACT, ...contactFields(p, 'c') });
        const newest: Partial<Record<Rec, number>> = {};
        const posted: Posted[] = [];
        const replays: { id: string; checkNoPiece: boolean }[] = [];
        const resent = new Set<string>();
        const settle = async (id: string, checkNoPiece: boolean, resend?: () => Promise<string>) => {
          await s.decided(id);
          posted.push({ id, checkNoPiece, ...(resend ? { resend } : {}) });
        };

        for (const c of commands) {
          if (c.k === 'qualify' || c.k === 'reverse') {
            const id = p.ids[c.r];
            if (id === undefined) continue;
            const country = c.k === 'qualify' ? 'Germany' : 'France';
            const at = new Date(t0 + c.minute * MINUTE_MS).toISOString();
            // The record changes in Salesforce unless it is read-only (converted), gone, or this change is older.
            const stored = s.salesforce.getRecord(isLead(c.r) ? 'Lead' : 'Contact', id);
            if (
              stored &&
              p.into[c.r] === undefined &&
              !p.erased.has(c.r) &&
              c.minute >= (newest[c.r] ?? -1)
            ) {
              newest[c.r] = c.minute;
              stored[isLead(c.r) ? 'Country' : 'MailingCountry'] = country;
            }
            const fields = isLead(c.r)
              ? {
                  Id: id,
                  ...GERMAN_LEAD,
                  ...leadFields(p, c.r),
                  Country: country,
                  LastModifiedDate: at,
                  // A message for a converted Lead was queued before the conversion: its snapshot says not converted.
                  ...(snapshot ? { IsConverted: 'false' } : {}),
                }
              : {
                  Id: id,
                  ...GERMAN_CONTACT,
                  ...contactFields(p, c.r),
                  MailingCountry: country,
                  LastModifiedDate: at,
                };
            const objectType = isLead(c.r) ? 'Lead' : 'Contact';
            const notification = `04l${String(people).padStart(6, '0')}${String(posted.length).padStart(9, '0')}`;
            const send = () => s.outbound(objectType, fields, notification);
            await settle(await send(), blocked(p, c.r), send);
            // Without the conversion fields in the message, the read of a converted Lead tells the connector.
            const became = p.into[c.r];
            if (READ_TELLS_MERGE && isLead(c.r) && !snapshot && became !== undefined) p.known[c.r] = became;
          } else if (c.k === 'convert') {
            const target = conversionTarget(p, c.r, c.into);
            if (target === undefined) continue;
            const lead = p.ids[c.r] as string;
            const existing = p.ids[target];
            const { contactId } = s.salesforce.convertLead(lead, existing ? { contactId: existing } : {});
            p.ids[target] = contactId;
            p.email[target] ??= p.email[c.r] as string;
            p.street[target] ??= p.street[c.r] as string;
            p.into[c.r] = target;
            // With the conversion fields in every message, only an event can tell the conversion.
            const tell = snapshot && c.tell === 'read' ? 'cdc' : c.tell;
            if (tell === 'read') continue;
            const converted = s.salesforce.getRecord('Lead', lead);
            const id =
              tell === 'outbound'
                ? await s.outbound('Lead', {
                    Id: lead,
                    ...GERMAN_LEAD,
                    ...leadFields(p, c.r),
                    IsConverted: 'true',
                    ConvertedContactId: contactId,
                  })
                : s.change(
                    {
                      entityName: 'Lead',
                      changeType: 'UPDATE',
                      recordId: lead,
                      changedFields: ['Status', 'IsConverted', 'ConvertedDate', 'ConvertedContactId'],
                    },
                    {
                      Status: converted?.Status,
                      IsConverted: true,
                      ConvertedDate: converted?.ConvertedDate,
                      ConvertedContactId: contactId,
                    },
                  );
            expect((await s.decided(id)).reason).toBe('merged');
            await settle(id, false);
            p.known[c.r] = target;
          } else if (c.k === 'merge') {
            const [loser, master] = [p.ids[c.loser], p.ids[c.master]];
            const live = (r: Rec) => p.into[r] === undefined && !p.erased.has(r);
            if (!loser || !master || c.loser === c.master || !live(c.loser) || !live(c.master)) continue;
            s.salesforce.mergeRecords('Contact', master, [loser]);
            p.into[c.loser] = c.master;
            const id = s.change({ entityName: 'Contact', changeType: 'DELETE', recordId: loser });
            expect((await s.decided(id)).reason).toBe('merged');
            await settle(id, false);
            p.known[c.loser] = c.master;
          } else if (c.k === 'duplicate') {
            const sent = posted.filter((e) => e.resend);
            const again = sent[c.i % Math.max(1, sent.length)];
            if (again?.resend) expect(await again.resend()).toBe(again.id);
          } else if (c.k === 'replay' && posted.length > 0) {
            const target = posted[c.i % posted.length] as Posted;
            const runs = async () => (await s.api.get<EventView>(`/events/${target.id}`)).body.runs.length;
            const before = await runs();
            expect((await s.api.post(`/events/${target.id}/replay`, {})).status).toBeLessThan(300);
            await eventually(async () => ((await runs()) > before ? true : undefined));
            const event = (await s.api.get<EventView>(`/events/${target.id}`)).body;
            const r = RECORDS.find((o) => p.ids[o] === event.payload.source?.mergedFrom) ?? findRec(p, event);
            replays.push({ id: target.id, checkNoPiece: r !== undefined && blocked(p, r) });
          } else if (c.k === 'resend') {
            // Once the person's immediate pieces have been handed off, one of those delivered is resent.
            const settled = await eventually(async () => {
              const pieces = new Map<string, TriggerView>();
              for (const id of Object.values(p.ids)) {
                const listed = await s.api.get<{ data: TriggerView[] }>(
                  `/triggers?campaign=contact-update&recipient=${id}`,
                );
                for (const t of listed.body.data) pieces.set(t.id, t);
              }
              const all = [...pieces.values()];
              return all.some((t) => t.status === 'pending') ? undefined : all;
            });
            const delivered = settled.filter((t) => t.status === 'delivered');
            const piece = delivered[c.i % Math.max(1, delivered.length)];
            if (!piece) continue;
            expect((await s.api.post(`/triggers/${piece.id}/resend`, {})).status).toBe(202);
            resent.add(piece.id);
            // Sent again, or held back at hand-off (the person opted out or was erased since): either way it settles.
            await eventually(async () => {
              const now = (await s.api.get<TriggerView>(`/triggers/${piece.id}`)).body;
              return now.status !== 'pending' ? now : undefined;
            });
          } else if (c.k === 'erase') {
            const gone = owner(p, c.r);
            const id = p.ids[gone];
            if (id === undefined || p.erased.has(gone)) continue;
            const stored = s.salesforce.getRecord(isLead(gone) ? 'Lead' : 'Contact', id);
            if (stored) stored.IsDeleted = true;
            const event = s.change({
              entityName: isLead(gone) ? 'Lead' : 'Contact',
              changeType: 'DELETE',
              recordId: id,
            });
            expect((await s.decided(event)).reason).not.toBe('merged');
            await settle(event, false);
            p.erased.add(gone);
          } else if (c.k === 'optOut') {
            const email = p.email[owner(p, c.r)];
            if (email === undefined) continue;
            const answer = await s.api.post('/suppressions', { workspace: 'acme', email });
            expect(answer.status).toBeLessThan(300);
            p.suppressedEmails.add(email);
          }
        }

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
        // connector was told are one, by a conversion, a merge or a read of a converted Lead).
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

      it('holds across Lead conversions and Contact merges: one live piece per person and campaign, none after erasure or opt-out, a reason for every event', async () => {
        try {
          await fc.assert(
            fc.asyncProperty(interleaving, (generated) => run(generated)),
            {
              seed,
              numRuns: Number(process.env.FC_RUNS ?? 25),
              endOnFailure: true,
              examples: [
                // A Lead qualifies, converts into a new Contact that qualifies too, then a late message for the Lead.
                [
                  {
                    snapshot: true,
                    commands: [
                      { k: 'qualify', r: 'l', minute: 1 },
                      { k: 'convert', r: 'l', into: 'new', tell: 'cdc' },
                      { k: 'qualify', r: 'xl', minute: 3 },
                      { k: 'qualify', r: 'l', minute: 2 },
                    ],
                  },
                ],
                // A late message for a Lead converted into a Contact that opted out: the Contact's e-mail counts, not the Lead's.
                [
                  {
                    snapshot: true,
                    commands: [
                      { k: 'optOut', r: 'c' },
                      { k: 'convert', r: 'l', into: 'c', tell: 'cdc' },
                      { k: 'qualify', r: 'l', minute: 20 },
                    ],
                  },
                ],
                // Two qualified Leads become one existing Contact, one told only by a read; then that Contact merges away.
                [
                  {
                    snapshot: false,
                    commands: [
                      { k: 'qualify', r: 'l', minute: 1 },
                      { k: 'qualify', r: 'm', minute: 2 },
                      { k: 'convert', r: 'l', into: 'c', tell: 'outbound' },
                      { k: 'convert', r: 'm', into: 'c', tell: 'read' },
                      { k: 'qualify', r: 'm', minute: 4 },
                      { k: 'convert', r: 'l', into: 'new', tell: 'cdc' },
                    ],
                  },
                ],
              ],
            },
          );
        } catch (error) {
          console.error(`Salesforce guarantees property failed; rerun with FC_SEED=${seed}`);
          throw error;
        }
      }, 110_000);
    },
  );
}

const leadFields = (p: PersonRecords, r: Rec) => ({
  Email: p.email[r] as string,
  Street: p.street[r] as string,
});
const contactFields = (p: PersonRecords, r: Rec) => ({
  Email: p.email[r] as string,
  MailingStreet: p.street[r] as string,
});

/** The person's record an event was decided for (its survivor's id, or its own). */
function findRec(p: PersonRecords, event: EventView): Rec | undefined {
  return RECORDS.find((r) => p.ids[r] === String(event.objectId));
}
