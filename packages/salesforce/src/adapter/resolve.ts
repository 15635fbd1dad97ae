import {
  type AssociationLink,
  associatedRecipients,
  associationLinks,
  type CrmEvent,
  type CrmProperties,
  type CrmReader,
  changedValues,
  type Enrichment,
  type FieldsByObject,
  primaryOrFirst,
  type RecipientMode,
  type RecipientSource,
  recipientsFor,
  recordReader,
} from '@hookpost/core';
import { convertedContactOf } from './conversion.js';

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Loads what the rules and the recipient need for one Salesforce event. An outbound message
 * carries a snapshot of the fields the admin chose and a CDC event only the changed fields, so
 * the event's own record is read when a field the campaigns need is missing (and a reader
 * exists); the snapshot wins over the read — except for an event of a merged-away record
 * (`source.mergedFrom`: a converted Lead's late message, a merge loser's), decided as its
 * survivor's: the snapshot describes the old record (its e-mail, its address), so the
 * survivor is read and its values win. Recipients: a Contact or Lead itself (a converted
 * Lead — `IsConverted`, `ConvertedContactId` in the event or the read — the Contact it became); an
 * Opportunity's primary contact role (else the first, else its `ContactId`), every role in
 * `associated` for `select: first | all`; the Account of the record or of
 * its contact (`company`).
 */
export async function resolveSalesforceEvent(
  event: CrmEvent,
  modes: ReadonlySet<RecipientMode>,
  { reader, fields }: { reader: CrmReader | null; fields: FieldsByObject },
): Promise<Enrichment> {
  const type = event.objectType;
  const readOne = recordReader(reader, fields);
  const told = { ...event.properties, ...changedValues(event) };
  const mergedAway = event.source?.mergedFrom !== undefined;
  const missing = (fields[type] ?? []).some((f) => f !== 'Id' && !Object.hasOwn(told, f));
  const gone = event.kind === 'deleted' || event.kind === 'privacy_deleted';
  const read = (missing || mergedAway) && !gone ? await readOne(type, event.objectId) : undefined;
  const own: CrmProperties = mergedAway ? { ...told, ...read } : { ...read, ...told };
  const records: Enrichment['records'] = { [type]: own };

  const wantsPerson = modes.has('contact') || modes.has('associated_contact');
  let contactType = type === 'lead' ? 'lead' : 'contact';
  let contactId: string | undefined;
  let contact: CrmProperties | undefined;
  let roles: AssociationLink[] = [];
  const converted = type === 'lead' ? convertedContactOf(own) : undefined;
  if (converted !== undefined) {
    // A converted Lead is the Contact it became: mail (and count) that Contact.
    contactType = 'contact';
    contactId = converted;
    contact = await readOne('contact', converted);
    if (contact) records.contact = contact;
  } else if (type === 'contact' || type === 'lead') {
    contactId = event.objectId;
    contact = own;
  } else if (type === 'opportunity' && wantsPerson) {
    contactType = 'contact';
    roles = await associationLinks(reader, 'opportunity', 'contact', event.objectId);
    contactId = primaryOrFirst(roles)?.id ?? text(own.ContactId);
    contact = await readOne('contact', contactId);
    if (contact) records.contact = contact;
  }

  const accountId = type === 'account' ? event.objectId : (text(contact?.AccountId) ?? text(own.AccountId));
  const account = type === 'account' ? own : await readOne('account', accountId);
  if (account) {
    records.account = account;
    records.company = account;
  }

  const person: RecipientSource =
    contactId === undefined || contact === undefined
      ? {
          missing: `no contact for ${type} ${event.objectId}${reader ? '' : ' (no Salesforce API access configured)'}`,
        }
      : { objectType: contactType, objectId: contactId, record: contact };
  const company: RecipientSource =
    accountId === undefined || account === undefined
      ? { missing: `no account for ${type} ${event.objectId}` }
      : { objectType: 'account', objectId: accountId, record: account };
  const enrichment: Enrichment = { records, recipients: recipientsFor('salesforce', modes, person, company) };
  if (modes.has('associated_contact') && roles.length > 0)
    enrichment.associated = await associatedRecipients(
      'salesforce',
      reader,
      fields,
      'contact',
      roles,
      account,
    );
  return enrichment;
}
