import { sampleSalesforceId } from '@hookpost/salesforce/testing';

/**
 * One person's Salesforce records in the generated interleavings, and what the connector can
 * know about who is whom: two Leads (`l`, `m`), a Contact that existed before (`c`), and the
 * Contacts a conversion into a new Contact creates (`xl` from `l`, `xm` from `m`).
 */
export type Lead = 'l' | 'm';
export type Rec = Lead | 'c' | 'xl' | 'xm';
export const LEADS: readonly Lead[] = ['l', 'm'];
export const RECORDS: readonly Rec[] = ['l', 'm', 'c', 'xl', 'xm'];

export interface PersonRecords {
  /** Salesforce ids; `xl`/`xm` once a conversion created them. */
  ids: Partial<Record<Rec, string>>;
  /**
   * The e-mail and street each record carries (a Contact from a conversion copies its Lead's):
   * apart per record and person, since an erasure suppresses the address too.
   */
  email: Partial<Record<Rec, string>>;
  street: Partial<Record<Rec, string>>;
  /** Where a converted Lead or a merged-away Contact went (the fake's truth). */
  into: Partial<Record<Rec, Rec>>;
  /**
   * Joins the connector knows of: a conversion or merge whose event it decided, or a
   * conversion a later read of the Lead showed it. Two records joined here are one person.
   */
  known: Partial<Record<Rec, Rec>>;
  erased: Set<Rec>;
  suppressedEmails: Set<string>;
}

export function newPerson(n: number): PersonRecords {
  const ids: Partial<Record<Rec, string>> = {
    l: sampleSalesforceId('00Q'),
    m: sampleSalesforceId('00Q'),
    c: sampleSalesforceId('003'),
  };
  const email = { l: `l${n}@example.de`, m: `m${n}@example.de`, c: `c${n}@example.de` };
  const street = { l: `Heidestraße ${n}`, m: `Lindenweg ${n}`, c: `Ahornallee ${n}` };
  return { ids, email, street, into: {}, known: {}, erased: new Set(), suppressedEmails: new Set() };
}

const follow = (links: Partial<Record<Rec, Rec>>, r: Rec): Rec => {
  let at = r;
  for (let next = links[at]; next !== undefined; next = links[at]) at = next;
  return at;
};

/** The record a record's events are mailed as, in the fake's truth (a Lead's Contact, a merge's master). */
export const owner = (p: PersonRecords, r: Rec): Rec => follow(p.into, r);

/** The records the connector can know to be one person with `r`. */
export function knownGroup(p: PersonRecords, r: Rec): Rec[] {
  const root = follow(p.known, r);
  return RECORDS.filter((o) => p.ids[o] !== undefined && follow(p.known, o) === root);
}

/**
 * True when a new piece for `r`'s person must not be made: its survivor erased or its e-mail
 * opted out. (The connector may hold back more: an erasure also suppresses the address.)
 */
export function blocked(p: PersonRecords, r: Rec): boolean {
  const survivor = owner(p, r);
  const email = p.email[survivor];
  return p.erased.has(survivor) || (email !== undefined && p.suppressedEmails.has(email));
}

/** The record a conversion of `lead` into `into` lands on, or undefined when it cannot happen. */
export function conversionTarget(p: PersonRecords, lead: Lead, into: 'new' | 'c' | 'other'): Rec | undefined {
  if (p.into[lead] !== undefined || p.erased.has(lead)) return undefined;
  const other: Lead = lead === 'l' ? 'm' : 'l';
  const target: Rec = into === 'new' ? (lead === 'l' ? 'xl' : 'xm') : into === 'c' ? 'c' : owner(p, other);
  if (into === 'other' && p.into[other] === undefined) return undefined;
  if (into !== 'new' && (p.erased.has(target) || p.into[target] !== undefined)) return undefined;
  return target;
}

/** True for the person's Leads. */
export const isLead = (r: Rec): r is Lead => r === 'l' || r === 'm';

/** A record's ref as pieces and merges name it. */
export const refOf = (p: PersonRecords, r: Rec) => `salesforce:${isLead(r) ? 'lead' : 'contact'}:${p.ids[r]}`;

/** The fields a record's outbound message and stored record carry apart from the shared German person. */
export const leadFields = (p: PersonRecords, r: Rec) => ({
  Email: p.email[r] as string,
  Street: p.street[r] as string,
});
export const contactFields = (p: PersonRecords, r: Rec) => ({
  Email: p.email[r] as string,
  MailingStreet: p.street[r] as string,
});
