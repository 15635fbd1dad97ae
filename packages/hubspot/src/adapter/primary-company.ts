import type { CrmProperties, FieldsByObject, RecipientMode } from '@hookpost/core';

/**
 * The contact property "Primary Associated Company ID": the id of the contact's primary
 * associated company. HubSpot keeps it in step with the contact → company association
 * labelled Primary and made it read-only in April 2019, when associations moved to the
 * associations API
 * (https://developers.hubspot.com/changelog/2019-01-24-update-the-associatedcompanyid-contact-property-will-become-read-only-on-april-26th).
 * Reading it with the contact's batch read spares one v4 association read per contact event.
 */
export const PRIMARY_COMPANY_PROPERTY = 'associatedcompanyid';

/**
 * Whether an event's resolution uses a company record: a `company` recipient, a person
 * recipient (its company's name is the fallback for its own `company`), or company
 * properties among the fields to read (conditions and variables naming `company.*`).
 */
export function companyNeeded(modes: ReadonlySet<RecipientMode>, fields: FieldsByObject): boolean {
  return (
    modes.has('company') ||
    modes.has('contact') ||
    modes.has('associated_contact') ||
    (fields.company?.length ?? 0) > 0
  );
}

/**
 * The fields to read with `PRIMARY_COMPANY_PROPERTY` added to the contact's when a company is
 * needed (the same list for every contact read, so concurrent reads share batches).
 */
export function withPrimaryCompany(fields: FieldsByObject, needed: boolean): FieldsByObject {
  const contact = fields.contact ?? [];
  if (!needed || contact.includes(PRIMARY_COMPANY_PROPERTY)) return fields;
  // One list per workspace's fields, not one per event: a record cache keys reads by the list.
  let extended = extendedFields.get(fields);
  if (extended === undefined || extended.contact?.length !== contact.length + 1) {
    extended = { ...fields, contact: [...contact, PRIMARY_COMPANY_PROPERTY] };
    extendedFields.set(fields, extended);
  }
  return extended;
}

const extendedFields = new WeakMap<FieldsByObject, FieldsByObject>();

/**
 * The contact's primary company id as its record says: `{ id }` (undefined when HubSpot
 * answered the property empty: no primary company), or null when the record does not carry
 * the property at all (no record, a dataset without it) and the associations must be read.
 */
export function primaryCompanyOf(contact: CrmProperties | undefined): { id: string | undefined } | null {
  if (contact === undefined || !(PRIMARY_COMPANY_PROPERTY in contact)) return null;
  const value = contact[PRIMARY_COMPANY_PROPERTY];
  return { id: value === null || value === undefined || value === '' ? undefined : String(value) };
}
