import { type Campaign, type CrmEvent, type Recipient, toRecipient } from '@hookpost/core';
import type { CrmProperties, CrmReader } from './reader.js';

export type RecipientMode = Campaign['recipient'];

export interface Enrichment {
  /** Records by lower-case object type, as the rules read them (`contact.*`, `company.*`…). */
  records: Record<string, CrmProperties | undefined>;
  /** The recipient per recipient mode, or why there is none. */
  recipients: Partial<Record<RecipientMode, Recipient | { missing: string }>>;
}

export interface EnrichOptions {
  reader: CrmReader | null;
  properties: Record<string, string[]>;
}

const first = (map: Map<string, string[]>, id: string) => map.get(id)?.[0];

/**
 * Loads what the rules and the recipient need for one event: its own record (HubSpot
 * sends only ids; a Salesforce outbound message carries a snapshot), the associated
 * contact and company, and the recipient for each mode the campaigns ask for.
 */
export async function enrichEvent(
  event: CrmEvent,
  modes: ReadonlySet<RecipientMode>,
  { reader, properties }: EnrichOptions,
): Promise<Enrichment> {
  return event.platform === 'hubspot'
    ? enrichHubSpot(event, modes, reader, properties)
    : enrichSalesforce(event, modes, reader, properties);
}

async function enrichHubSpot(
  event: CrmEvent,
  modes: ReadonlySet<RecipientMode>,
  reader: CrmReader | null,
  properties: Record<string, string[]>,
): Promise<Enrichment> {
  const type = event.objectType;
  const records: Enrichment['records'] = {};
  const fetch = fetcher(reader, properties);
  const associated = async (toType: string) => {
    if (!reader) return undefined;
    return first(await reader.fetchAssociations(type, toType, [event.objectId]), event.objectId);
  };
  const own =
    event.kind === 'deleted' || event.kind === 'privacy_deleted'
      ? undefined
      : await fetch(type, event.objectId);
  records[type] = { ...own, ...event.properties, ...changedValues(event) };

  const needContact = modes.has('contact') || modes.has('associated_contact');
  const contactId =
    type === 'contact' ? event.objectId : needContact ? await associated('contact') : undefined;
  if (type !== 'contact' && contactId !== undefined) records.contact = await fetch('contact', contactId);

  const companyId =
    type === 'company'
      ? event.objectId
      : type === 'contact' && contactId !== undefined && reader
        ? first(await reader.fetchAssociations('contact', 'company', [contactId]), contactId)
        : await associated('company');
  if (type !== 'company' && companyId !== undefined) records.company = await fetch('company', companyId);

  const recipients: Enrichment['recipients'] = {};
  if (needContact) {
    const contact = records.contact;
    const recipient =
      contactId === undefined || contact === undefined
        ? { missing: `no contact record for ${type} ${event.objectId}` }
        : toRecipient({
            platform: 'hubspot',
            objectType: 'contact',
            objectId: contactId,
            record: contact,
            company: records.company ?? null,
          });
    recipients.contact = recipient;
    recipients.associated_contact = recipient;
  }
  if (modes.has('company')) {
    recipients.company =
      companyId === undefined || records.company === undefined
        ? { missing: `no company record for ${type} ${event.objectId}` }
        : toRecipient({
            platform: 'hubspot',
            objectType: 'company',
            objectId: companyId,
            record: records.company,
          });
  }
  return { records, recipients };
}

async function enrichSalesforce(
  event: CrmEvent,
  modes: ReadonlySet<RecipientMode>,
  reader: CrmReader | null,
  properties: Record<string, string[]>,
): Promise<Enrichment> {
  const type = event.objectType;
  const records: Enrichment['records'] = { [type]: { ...event.properties, ...changedValues(event) } };
  const own = records[type] ?? {};
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const fetch = fetcher(reader, properties);

  let contactType = type === 'lead' ? 'lead' : 'contact';
  let contactId: string | undefined;
  let contact: CrmProperties | undefined;
  if (type === 'contact' || type === 'lead') {
    contactId = event.objectId;
    contact = own;
  } else if (type === 'opportunity' && (modes.has('contact') || modes.has('associated_contact'))) {
    contactType = 'contact';
    contactId =
      (reader
        ? first(await reader.fetchAssociations('opportunity', 'contact', [event.objectId]), event.objectId)
        : undefined) ?? text(own.ContactId);
    contact = await fetch('contact', contactId);
    if (contact) records.contact = contact;
  }

  const accountId = type === 'account' ? event.objectId : (text(contact?.AccountId) ?? text(own.AccountId));
  const account = type === 'account' ? own : await fetch('account', accountId);
  if (account) {
    records.account = account;
    records.company = account;
  }

  const recipients: Enrichment['recipients'] = {};
  if (modes.has('contact') || modes.has('associated_contact')) {
    const recipient =
      contactId === undefined || contact === undefined
        ? {
            missing: `no contact for ${type} ${event.objectId}${reader ? '' : ' (no Salesforce API access configured)'}`,
          }
        : toRecipient({
            platform: 'salesforce',
            objectType: contactType,
            objectId: contactId,
            record: contact,
            company: account ?? null,
          });
    recipients.contact = recipient;
    recipients.associated_contact = recipient;
  }
  if (modes.has('company')) {
    recipients.company =
      accountId === undefined || account === undefined
        ? { missing: `no account for ${type} ${event.objectId}` }
        : toRecipient({
            platform: 'salesforce',
            objectType: 'account',
            objectId: accountId,
            record: account,
          });
  }
  return { records, recipients };
}

/** Reads one record (or nothing without a reader), with the properties its type needs. */
function fetcher(reader: CrmReader | null, properties: Record<string, string[]>) {
  return async function fetchOne(
    objectType: string,
    id: string | undefined,
  ): Promise<CrmProperties | undefined> {
    if (!reader || id === undefined) return undefined;
    return (await reader.fetchRecords(objectType, [id], properties[objectType] ?? [])).get(id);
  };
}

function changedValues(event: CrmEvent): CrmProperties {
  const values: CrmProperties = {};
  for (const [name, change] of Object.entries(event.changes ?? {})) values[name] = change.value;
  return values;
}
