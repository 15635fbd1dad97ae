/** The fake's CRM data, keyed by the API's plural object names. */
export type Properties = Record<string, string | null>;

const PLURAL: Readonly<Record<string, string>> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
  product: 'products',
  line_item: 'line_items',
};

export const pluralOf = (type: string) => PLURAL[type] ?? type;

export interface FakeData {
  contacts: Map<string, Properties>;
  companies: Map<string, Properties>;
  deals: Map<string, Properties>;
  /** Any other object type, created on first use. */
  objects: Map<string, Map<string, Properties>>;
  /** `contacts/companies` → from id → associated ids (both directions are stored). */
  associations: Map<string, Map<string, Set<string>>>;
  /** `contacts/companies/<fromId>/<toId>` → the link's association label (e.g. `Primary`), when labelled. */
  associationLabels: Map<string, string>;
  /** `contacts/5101` → the id it was merged into (`5104`): batch reads answer it under the survivor. */
  mergedInto: Map<string, string>;
}

export function createFakeData(): FakeData {
  const data: FakeData = {
    contacts: new Map(),
    companies: new Map(),
    deals: new Map(),
    objects: new Map(),
    associations: new Map(),
    associationLabels: new Map(),
    mergedInto: new Map(),
  };
  data.objects.set('contacts', data.contacts);
  data.objects.set('companies', data.companies);
  data.objects.set('deals', data.deals);
  return data;
}

export function recordsOf(data: FakeData, type: string): Map<string, Properties> {
  const key = pluralOf(type);
  let records = data.objects.get(key);
  if (!records) {
    records = new Map();
    data.objects.set(key, records);
  }
  return records;
}

export function associationsOf(data: FakeData, fromType: string, toType: string): Map<string, Set<string>> {
  const key = `${pluralOf(fromType)}/${pluralOf(toType)}`;
  let links = data.associations.get(key);
  if (!links) {
    links = new Map();
    data.associations.set(key, links);
  }
  return links;
}

/** The key of one labelled link in `FakeData.associationLabels`. */
export const labelKey = (fromType: string, toType: string, fromId: string, toId: string) =>
  `${pluralOf(fromType)}/${pluralOf(toType)}/${fromId}/${toId}`;

/** The id a record lives under now: itself, or the survivor of the merges it went into. */
export function survivorIn(data: FakeData, type: string, id: string): string {
  let current = id;
  for (let hops = 0; hops < 100; hops++) {
    const next = data.mergedInto.get(`${pluralOf(type)}/${current}`);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

/**
 * What HubSpot answers for a record's read-only property kept in step with its associations,
 * or undefined for any other property: a contact's `associatedcompanyid` ("Primary Associated
 * Company ID") is its company whose link is labelled primary, else — as HubSpot makes a
 * contact's first associated company its primary — the first it was associated with; null
 * without a company. Derived at every read, so it follows `associate` and `mergeRecords`.
 * https://developers.hubspot.com/changelog/2019-01-24-update-the-associatedcompanyid-contact-property-will-become-read-only-on-april-26th
 */
export function derivedProperty(
  data: FakeData,
  type: string,
  id: string,
  name: string,
): string | null | undefined {
  if (pluralOf(type) !== 'contacts' || name !== 'associatedcompanyid') return undefined;
  const companies = [...(associationsOf(data, 'contacts', 'companies').get(id) ?? [])];
  const isPrimary = (companyId: string) =>
    /primary/i.test(data.associationLabels.get(labelKey('contacts', 'companies', id, companyId)) ?? '');
  return companies.find(isPrimary) ?? companies[0] ?? null;
}
