import {
  associatedRecipients,
  associationLinks,
  type CrmEvent,
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
import { companyNeeded, primaryCompanyOf, withPrimaryCompany } from './primary-company.js';

/**
 * Loads what the rules and the recipient need for one HubSpot event. HubSpot webhooks carry
 * only ids, so the event's own record is read (with its changes overlaid); the recipient is
 * the contact itself (a contact event) or the associated contact labelled primary, else the
 * first (deal, company…), with every associated contact in `associated` for `select: first |
 * all`; the company the record's or the contact's associated company (the `Primary` one, else
 * the first). For a contact that company comes from the contact's own `associatedcompanyid`
 * (read with it, in the same batch read) when a company is needed; the contact → company
 * association read is made only when the record does not carry that property.
 */
export async function resolveHubSpotEvent(
  event: CrmEvent,
  modes: ReadonlySet<RecipientMode>,
  { reader, fields: campaignFields }: { reader: CrmReader | null; fields: FieldsByObject },
): Promise<Enrichment> {
  const type = event.objectType;
  const records: Enrichment['records'] = {};
  const fields = withPrimaryCompany(campaignFields, companyNeeded(modes, campaignFields));
  const readOne = recordReader(reader, fields);
  const linksOf = (fromType: string, id: string, toType: string) =>
    associationLinks(reader, fromType, toType, id);
  const gone = event.kind === 'deleted' || event.kind === 'privacy_deleted';
  const own = gone ? undefined : await readOne(type, event.objectId);
  records[type] = { ...own, ...event.properties, ...changedValues(event) };

  const needContact = modes.has('contact') || modes.has('associated_contact');
  const contactLinks =
    type !== 'contact' && needContact ? await linksOf(type, event.objectId, 'contact') : [];
  const contactId = type === 'contact' ? event.objectId : primaryOrFirst(contactLinks)?.id;
  if (type !== 'contact' && contactId !== undefined) records.contact = await readOne('contact', contactId);

  const companyId =
    type === 'company'
      ? event.objectId
      : type === 'contact'
        ? contactId === undefined
          ? undefined
          : (
              primaryCompanyOf(records.contact) ?? {
                id: primaryOrFirst(await linksOf('contact', contactId, 'company'))?.id,
              }
            ).id
        : primaryOrFirst(await linksOf(type, event.objectId, 'company'))?.id;
  if (type !== 'company' && companyId !== undefined) records.company = await readOne('company', companyId);

  const person: RecipientSource =
    contactId === undefined || records.contact === undefined
      ? { missing: `no contact record for ${type} ${event.objectId}` }
      : { objectType: 'contact', objectId: contactId, record: records.contact };
  const company: RecipientSource =
    companyId === undefined || records.company === undefined
      ? { missing: `no company record for ${type} ${event.objectId}` }
      : { objectType: 'company', objectId: companyId, record: records.company };
  const enrichment: Enrichment = { records, recipients: recipientsFor('hubspot', modes, person, company) };
  if (modes.has('associated_contact') && contactLinks.length > 0)
    enrichment.associated = await associatedRecipients(
      'hubspot',
      reader,
      fields,
      'contact',
      contactLinks,
      records.company,
    );
  return enrichment;
}
