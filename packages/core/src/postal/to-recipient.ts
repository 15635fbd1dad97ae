import type { CrmRef, Recipient } from '../address.js';
import { HookpostCoreError } from '../errors.js';
import type { Platform } from '../event.js';
import { normalizeCountry } from './country.js';
import { splitStreet } from './street.js';

/** A CRM record as a plain property map with the CRM's own field names. */
export type CrmRecord = Readonly<Record<string, unknown>>;

export interface ToRecipientInput {
  platform: Platform;
  /** `contact`, `company` (HubSpot); `contact`, `lead`, `account` (Salesforce); any case. */
  objectType: string;
  objectId: string;
  record: CrmRecord;
  /** The associated company (HubSpot) or Account (Salesforce) record, when enriched. */
  company?: CrmRecord | null | undefined;
}

interface FieldMap {
  firstName?: string;
  lastName?: string;
  company?: string;
  street: string;
  line2?: string;
  postalCode: string;
  city: string;
  region: string;
  countryCode?: string;
  country: string;
  email?: string;
}

// The field-mapping table of reference/direct-mail.md, one row per CRM object.
const MAPS: Record<string, FieldMap> = {
  'hubspot:contact': {
    firstName: 'firstname',
    lastName: 'lastname',
    company: 'company',
    street: 'address',
    postalCode: 'zip',
    city: 'city',
    region: 'state',
    country: 'country',
    email: 'email',
  },
  'hubspot:company': {
    company: 'name',
    street: 'address',
    line2: 'address2',
    postalCode: 'zip',
    city: 'city',
    region: 'state',
    country: 'country',
  },
  'salesforce:contact': {
    firstName: 'FirstName',
    lastName: 'LastName',
    street: 'MailingStreet',
    postalCode: 'MailingPostalCode',
    city: 'MailingCity',
    region: 'MailingState',
    countryCode: 'MailingCountryCode',
    country: 'MailingCountry',
    email: 'Email',
  },
  'salesforce:lead': {
    firstName: 'FirstName',
    lastName: 'LastName',
    company: 'Company',
    street: 'Street',
    postalCode: 'PostalCode',
    city: 'City',
    region: 'State',
    countryCode: 'CountryCode',
    country: 'Country',
    email: 'Email',
  },
  'salesforce:account': {
    company: 'Name',
    street: 'BillingStreet',
    postalCode: 'BillingPostalCode',
    city: 'BillingCity',
    region: 'BillingState',
    countryCode: 'BillingCountryCode',
    country: 'BillingCountry',
  },
};

/**
 * Maps a CRM record to a {@link Recipient}: names, company, street split into two lines,
 * country normalised to alpha-2 (null when unknown, so validation reports it). Does not
 * validate; pass the result to `validateRecipient`.
 *
 * @example
 * toRecipient({ platform: 'salesforce', objectType: 'Contact', objectId: '003…',
 *   record: { FirstName: 'Erika', LastName: 'Mustermann', MailingStreet: 'Heidestraße 17', … } });
 */
export function toRecipient(input: ToRecipientInput): Recipient {
  if (typeof input?.record !== 'object' || input.record === null || typeof input.objectType !== 'string') {
    throw new HookpostCoreError(
      'invalid_record',
      'toRecipient needs { platform, objectType, objectId, record: {…} }',
    );
  }
  const objectType = input.objectType.toLowerCase();
  const map = MAPS[`${input.platform}:${objectType}`];
  if (map === undefined) {
    throw new HookpostCoreError(
      'unsupported_object',
      `cannot address mail to a ${input.platform} ${input.objectType}: use a contact, company, lead or account`,
    );
  }
  const read = (field: string | undefined) =>
    field === undefined || !Object.hasOwn(input.record, field) ? null : text(input.record[field]);
  const street = splitStreet(read(map.street));
  const crm: CrmRef = { platform: input.platform, objectType, objectId: String(input.objectId) };
  // Salesforce's CountryCode (State and Country Picklists) is exact; the free-text field is the fallback.
  const country = normalizeCountry(read(map.countryCode)) ?? normalizeCountry(read(map.country));
  return {
    crm,
    firstName: read(map.firstName),
    lastName: read(map.lastName),
    company: read(map.company) ?? companyName(input),
    email: read(map.email),
    address: {
      line1: street.line1,
      line2: map.line2 === undefined ? street.line2 : joinLines(street.line2, read(map.line2)),
      postalCode: read(map.postalCode),
      city: read(map.city),
      region: read(map.region),
      country,
    },
  };
}

/** A Salesforce Contact's company is `Account.Name` (flattened or nested) or the passed-in Account. */
function companyName(input: ToRecipientInput): string | null {
  const record = input.record;
  const account = record.Account;
  const nested = typeof account === 'object' && account !== null ? (account as CrmRecord).Name : undefined;
  return (
    text(record['Account.Name']) ??
    text(nested) ??
    text(input.company?.[input.platform === 'hubspot' ? 'name' : 'Name'])
  );
}

function joinLines(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b === null ? a : `${a}, ${b}`;
}

function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
