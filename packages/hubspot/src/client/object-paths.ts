/** Core uses singular lower-case names; the CRM v3/v4 APIs use the plural for standard objects. */
const API_NAMES: Readonly<Record<string, string>> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
  product: 'products',
  line_item: 'line_items',
};

/**
 * @example
 * apiObjectName('contact'); // 'contacts'
 * apiObjectName('2-1234'); // '2-1234'
 */
export function apiObjectName(objectType: string): string {
  // Object.hasOwn: the object type comes from a request; `constructor` is not a plural.
  return encodeURIComponent(
    Object.hasOwn(API_NAMES, objectType) ? (API_NAMES[objectType] as string) : objectType,
  );
}
