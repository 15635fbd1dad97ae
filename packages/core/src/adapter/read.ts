import type { CrmEvent } from '../event.js';
import { toRecipient } from '../postal/to-recipient.js';
import type { CrmProperties, CrmReader, Enrichment, FieldsByObject, RecipientMode } from './types.js';

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

/** A record a recipient is built from, or why there is none (the `no_recipient` detail). */
export type RecipientSource =
  | { objectType: string; objectId: string; record: CrmProperties }
  | { missing: string };

/**
 * The recipient per mode an adapter resolved: `contact` and `associated_contact` are the
 * person (with the company's name as a fallback), `company` the company record; each mapped
 * with `toRecipient`, or `{ missing }` saying why there is none. Only the modes asked for.
 *
 * @example
 * recipientsFor('hubspot', modes, { objectType: 'contact', objectId: '1', record }, { missing: 'no company' });
 */
export function recipientsFor(
  platform: string,
  modes: ReadonlySet<RecipientMode>,
  person: RecipientSource,
  company: RecipientSource,
): Enrichment['recipients'] {
  const recipients: Enrichment['recipients'] = {};
  if (modes.has('contact') || modes.has('associated_contact')) {
    const recipient =
      'missing' in person
        ? person
        : toRecipient({ platform, ...person, company: 'missing' in company ? null : company.record });
    recipients.contact = recipient;
    recipients.associated_contact = recipient;
  }
  if (modes.has('company'))
    recipients.company = 'missing' in company ? company : toRecipient({ platform, ...company });
  return recipients;
}
