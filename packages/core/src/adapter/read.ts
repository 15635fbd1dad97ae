import type { CrmEvent } from '../event.js';
import type { CrmProperties, CrmReader, FieldsByObject } from './types.js';

/**
 * What an event itself says about its record: its changes' new values (a snapshot such as a
 * Salesforce outbound message's fields is in `event.properties` and is overlaid by callers).
 */
export function changedValues(event: CrmEvent): CrmProperties {
  const values: CrmProperties = {};
  for (const [name, change] of Object.entries(event.changes ?? {})) values[name] = change.value;
  return values;
}

/**
 * Reads one record with the fields its type needs, or undefined without a reader, without an
 * id, or when the CRM has no such record.
 *
 * @example
 * const readOne = recordReader(reader, fields);
 * const contact = await readOne('contact', '123');
 */
export function recordReader(reader: CrmReader | null, fields: FieldsByObject) {
  return async function readOne(
    objectType: string,
    id: string | undefined,
  ): Promise<CrmProperties | undefined> {
    if (!reader || id === undefined) return undefined;
    return (await reader.fetchRecords(objectType, [id], fields[objectType] ?? [])).get(id);
  };
}

/** The first associated id of `id` in an association map. */
export const firstAssociated = (map: Map<string, string[]>, id: string): string | undefined =>
  map.get(id)?.[0];
