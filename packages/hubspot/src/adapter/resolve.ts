import {
  type CrmEvent,
  type CrmReader,
  changedValues,
  type Enrichment,
  type FieldsByObject,
  firstAssociated,
  type RecipientMode,
  type RecipientSource,
  recipientsFor,
  recordReader,
} from '@hookpost/core';

/**
 * Loads what the rules and the recipient need for one HubSpot event. HubSpot webhooks carry
 * only ids, so the event's own record is read (with its changes overlaid); the recipient is
 * the contact itself (a contact event) or the first associated contact (deal, company…), the
 * company the record's or the contact's associated company.
 */
export async function resolveHubSpotEvent(
  event: CrmEvent,
  modes: ReadonlySet<RecipientMode>,
  { reader, fields }: { reader: CrmReader | null; fields: FieldsByObject },
): Promise<Enrichment> {
  const type = event.objectType;
  const records: Enrichment['records'] = {};
  const readOne = recordReader(reader, fields);
  const associated = async (fromType: string, id: string, toType: string) =>
    reader ? firstAssociated(await reader.fetchAssociations(fromType, toType, [id]), id) : undefined;
  const gone = event.kind === 'deleted' || event.kind === 'privacy_deleted';
  const own = gone ? undefined : await readOne(type, event.objectId);
  records[type] = { ...own, ...event.properties, ...changedValues(event) };

  const needContact = modes.has('contact') || modes.has('associated_contact');
  const contactId =
    type === 'contact'
      ? event.objectId
      : needContact
        ? await associated(type, event.objectId, 'contact')
        : undefined;
  if (type !== 'contact' && contactId !== undefined) records.contact = await readOne('contact', contactId);

  const companyId =
    type === 'company'
      ? event.objectId
      : type === 'contact'
        ? contactId === undefined
          ? undefined
          : await associated('contact', contactId, 'company')
        : await associated(type, event.objectId, 'company');
  if (type !== 'company' && companyId !== undefined) records.company = await readOne('company', companyId);

  const person: RecipientSource =
    contactId === undefined || records.contact === undefined
      ? { missing: `no contact record for ${type} ${event.objectId}` }
      : { objectType: 'contact', objectId: contactId, record: records.contact };
  const company: RecipientSource =
    companyId === undefined || records.company === undefined
      ? { missing: `no company record for ${type} ${event.objectId}` }
      : { objectType: 'company', objectId: companyId, record: records.company };
  return { records, recipients: recipientsFor('hubspot', modes, person, company) };
}
