/**
 * Object type ids HubSpot sends with the generic `object.*` subscriptions; custom objects
 * (`2-…`) and any id not listed are kept as given.
 * https://developers.hubspot.com/docs/guides/api/crm/understanding-the-crm#object-type-ids
 */
const OBJECT_TYPE_IDS: ReadonlyMap<string, string> = new Map([
  ['0-1', 'contact'],
  ['0-2', 'company'],
  ['0-3', 'deal'],
  ['0-5', 'ticket'],
  ['0-7', 'product'],
  ['0-8', 'line_item'],
]);

/**
 * @example
 * objectTypeFromId('0-1'); // 'contact'
 * objectTypeFromId('2-3456'); // '2-3456'
 */
export function objectTypeFromId(objectTypeId: string): string {
  // A Map: ids come from the request, and `constructor` must stay an id, not a function.
  return OBJECT_TYPE_IDS.get(objectTypeId) ?? objectTypeId;
}
