import { toOrgId18 } from '../org-id.js';
import { type FakeRecord, type FakeStore, fakeId } from './fake-store.js';

/** What {@link convertFakeLead} may be told, as `Database.LeadConvert` takes it. */
export interface FakeLeadConversion {
  /** An existing Contact to convert into (the Lead is merged into it); else a new one is created. */
  contactId?: string;
  /** An existing Account; else one is created from the Lead's `Company`. */
  accountId?: string;
  /** The converted status (default `Closed - Converted`). */
  status?: string;
  /** When, ISO; default now. */
  at?: string;
}

/** The records a conversion produced or used. */
export interface FakeLeadConversionResult {
  leadId: string;
  contactId: string;
  accountId: string;
}

const LEAD_TO_CONTACT: Record<string, string> = {
  FirstName: 'FirstName',
  LastName: 'LastName',
  Email: 'Email',
  Street: 'MailingStreet',
  City: 'MailingCity',
  State: 'MailingState',
  PostalCode: 'MailingPostalCode',
  Country: 'MailingCountry',
};

/**
 * Converts a Lead the way Salesforce's `convertLead()` does: the Account and Contact are
 * created (or the given existing ones used; an existing Contact keeps its values), and the
 * Lead stays readable, read-only, with `IsConverted = true`, `ConvertedContactId`,
 * `ConvertedAccountId`, `ConvertedDate` (a date, no time) and the converted `Status`.
 * Source: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm
 */
export function convertFakeLead(
  store: FakeStore,
  leadId: string,
  options: FakeLeadConversion = {},
): FakeLeadConversionResult {
  const lead = store.get('Lead', leadId);
  if (!lead || lead.IsDeleted === true) throw new Error(`no Lead ${leadId}`);
  if (lead.IsConverted === true) throw new Error(`Lead ${leadId} is already converted`);
  const at = options.at ?? new Date().toISOString();
  const accountId = options.accountId
    ? toOrgId18(options.accountId)
    : String(store.add('Account', fakeId('001'), { Name: lead.Company ?? lead.LastName ?? null }).Id);
  let contactId: string;
  if (options.contactId) {
    if (!store.get('Contact', options.contactId)) throw new Error(`no Contact ${options.contactId}`);
    contactId = toOrgId18(options.contactId);
  } else {
    const fields: FakeRecord = { AccountId: accountId, SystemModstamp: at };
    for (const [from, to] of Object.entries(LEAD_TO_CONTACT)) fields[to] = lead[from] ?? null;
    contactId = String(store.add('Contact', fakeId('003'), fields).Id);
  }
  store.update('Lead', leadId, {
    IsConverted: true,
    ConvertedContactId: contactId,
    ConvertedAccountId: accountId,
    ConvertedDate: at.slice(0, 10),
    Status: options.status ?? 'Closed - Converted',
    SystemModstamp: at,
  });
  return { leadId: String(lead.Id), contactId, accountId };
}

/**
 * Merges records the way Salesforce's `merge()` does: each loser is deleted (to the recycle
 * bin, so only `queryAll` still finds it) with `MasterRecordId` set to the master.
 * Source: https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_triggers_merge_statements.htm
 */
export function mergeFakeRecords(store: FakeStore, type: string, masterId: string, loserIds: string[]): void {
  if (!store.get(type, masterId)) throw new Error(`no ${type} ${masterId}`);
  for (const id of loserIds) {
    const loser = store.update(type, id, { IsDeleted: true, MasterRecordId: toOrgId18(masterId) });
    if (!loser) throw new Error(`no ${type} ${id}`);
  }
}
