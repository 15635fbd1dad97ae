/** A Salesforce record as plain strings (REST numbers and booleans are stringified). */
export type SalesforceRecord = Record<string, string | null>;

/**
 * Flattens a REST record: drops `attributes`, stringifies numbers and booleans and
 * spreads nested objects (relationships, compound addresses) as `Parent.Field`.
 */
export function toSalesforceRecord(raw: Record<string, unknown>, prefix = ''): SalesforceRecord {
  const record: SalesforceRecord = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'attributes') continue;
    if (value === null || value === undefined) record[`${prefix}${key}`] = null;
    else if (typeof value === 'object')
      Object.assign(record, toSalesforceRecord(value as Record<string, unknown>, `${prefix}${key}.`));
    else record[`${prefix}${key}`] = String(value);
  }
  return record;
}
