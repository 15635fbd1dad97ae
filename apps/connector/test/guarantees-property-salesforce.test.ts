import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import type { EventView } from './support/guarantees.js';
import {
  CONTACT_UPDATE,
  type Command,
  checkGuarantees,
  interleaving,
  type Posted,
  type TriggerView,
} from './support/salesforce-interleavings.js';
import {
  blocked,
  contactFields,
  conversionTarget,
  isLead,
  LEADS,
  leadFields,
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
 * every Contact message at once, and delivered pieces are resent. The generators and the
 * checks live in `support/salesforce-interleavings.ts`, the person's records in
 * `support/salesforce-people.ts`.
 */

/**
 * A conversion that only a read of the Lead showed (no conversion event) is applied as a merge
 * (the adapter's `mergeShownByRead`): the Lead's pending pieces and the Contact's become one.
 * Kept as a switch so the model can be checked against the older, weaker rule.
 */
const READ_TELLS_MERGE = true;
const MINUTE_MS = 60_000;
/** One hand-picked interleaving, run before the generated ones. */
const example = (snapshot: boolean, ...commands: Command[]): [{ snapshot: boolean; commands: Command[] }] => [
  { snapshot, commands },
];
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

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

        await checkGuarantees(s, p, { posted, replays, resent });
      }

      it('holds across Lead conversions and Contact merges: one live piece per person and campaign, none after erasure or opt-out, a reason for every event', async () => {
        try {
          await fc.assert(
            fc.asyncProperty(interleaving, (generated) => run(generated)),
            {
              seed,
              numRuns: Number(process.env.FC_RUNS ?? 50),
              endOnFailure: true,
              examples: [
                // A Lead qualifies, converts into a new Contact that qualifies too, then a late message for the Lead.
                example(
                  true,
                  { k: 'qualify', r: 'l', minute: 1 },
                  { k: 'convert', r: 'l', into: 'new', tell: 'cdc' },
                  { k: 'qualify', r: 'xl', minute: 3 },
                  { k: 'qualify', r: 'l', minute: 2 },
                ),
                // A late message for a Lead converted into a Contact that opted out: the Contact's e-mail counts, not the Lead's.
                example(
                  true,
                  { k: 'optOut', r: 'c' },
                  { k: 'convert', r: 'l', into: 'c', tell: 'cdc' },
                  { k: 'qualify', r: 'l', minute: 20 },
                ),
                // Two qualified Leads become one existing Contact: one piece stays; a conversion only a read shows.
                example(
                  false,
                  { k: 'qualify', r: 'l', minute: 1 },
                  { k: 'qualify', r: 'm', minute: 2 },
                  { k: 'convert', r: 'l', into: 'c', tell: 'outbound' },
                  { k: 'convert', r: 'm', into: 'c', tell: 'cdc' },
                  { k: 'qualify', r: 'm', minute: 4 },
                ),
                example(
                  false,
                  { k: 'qualify', r: 'l', minute: 1 },
                  { k: 'convert', r: 'l', into: 'new', tell: 'read' },
                  { k: 'qualify', r: 'l', minute: 2 },
                  { k: 'qualify', r: 'xl', minute: 3 },
                ),
                // Two qualified Contacts of one person merge (MasterRecordId): one piece stays.
                example(
                  true,
                  { k: 'qualify', r: 'c', minute: 1 },
                  { k: 'convert', r: 'l', into: 'new', tell: 'outbound' },
                  { k: 'qualify', r: 'xl', minute: 2 },
                  { k: 'merge', loser: 'xl', master: 'c' },
                  { k: 'qualify', r: 'l', minute: 3 },
                ),
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

/** The person's record an event was decided for (its survivor's id, or its own). */
function findRec(p: PersonRecords, event: EventView): Rec | undefined {
  return RECORDS.find((r) => p.ids[r] === String(event.objectId));
}
