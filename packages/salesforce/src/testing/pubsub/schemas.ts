import { createHash } from 'node:crypto';
import avro from 'avsc';

/**
 * Avro schemas shaped like Salesforce's change event schemas: a `ChangeEventHeader` record
 * first, then one nullable field per record field; compound fields (`Name`, `…Address`)
 * are nested records. Field lists are a realistic subset, enough for address mail.
 * Source: https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-deserialization-considerations.html
 */
const COMPOUND: Record<string, readonly string[]> = {
  Name: ['Salutation', 'FirstName', 'LastName'],
  Address: ['Street', 'City', 'State', 'PostalCode', 'Country', 'StateCode', 'CountryCode'],
};

/** The fields of each entity the test server knows; `Name`/`…Address` are compound. */
export const ENTITY_FIELDS: Record<string, readonly string[]> = {
  Contact: ['AccountId', 'Name', 'MailingAddress', 'Email', 'Description', 'Status__c', 'LastModifiedDate'],
  // The conversion fields are what a conversion's LeadChangeEvent UPDATE carries:
  // https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_standard_objects_lead_conversion.htm
  Lead: [
    'Name',
    'Company',
    'Address',
    'Email',
    'Status',
    'IsConverted',
    'ConvertedDate',
    'ConvertedAccountId',
    'ConvertedContactId',
    'ConvertedOpportunityId',
    'LastModifiedDate',
  ],
  Account: ['Name', 'BillingAddress', 'Phone', 'Description', 'LastModifiedDate'],
  Opportunity: ['AccountId', 'ContactId', 'Name', 'StageName', 'Amount', 'LastModifiedDate'],
};

const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
];

const HEADER = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: 'com.sforce.eventbus',
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    { name: 'changeType', type: { type: 'enum', name: 'ChangeType', symbols: CHANGE_TYPES } },
    { name: 'changeOrigin', type: 'string' },
    { name: 'transactionKey', type: 'string' },
    { name: 'sequenceNumber', type: 'int' },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
    { name: 'commitUser', type: 'string' },
    { name: 'nulledFields', type: { type: 'array', items: 'string' } },
    { name: 'diffFields', type: { type: 'array', items: 'string' } },
    { name: 'changedFields', type: { type: 'array', items: 'string' } },
  ],
};

function childrenOf(field: string, entity: string): readonly string[] | undefined {
  if (field === 'Name' && entity !== 'Account' && entity !== 'Opportunity') return COMPOUND.Name;
  return field.endsWith('Address') ? COMPOUND.Address : undefined;
}

function fieldType(entity: string, field: string): unknown {
  const children = childrenOf(field, entity);
  if (children) {
    const fields = children.map((name) => ({ name, type: ['null', 'string'], default: null }));
    return ['null', { type: 'record', name: `${entity}_${field}`, fields }];
  }
  if (field === 'LastModifiedDate') return ['null', 'long'];
  return field.startsWith('Is') ? ['null', 'boolean'] : ['null', 'string'];
}

/** The Avro schema JSON of `<entity>ChangeEvent`. */
export function changeEventSchema(entity: string): Record<string, unknown> {
  const fields = ENTITY_FIELDS[entity];
  if (!fields) throw new Error(`the Pub/Sub test server knows no entity ${entity}`);
  return {
    type: 'record',
    name: `${entity}ChangeEvent`,
    namespace: 'com.sforce.eventbus',
    fields: [
      { name: 'ChangeEventHeader', type: HEADER },
      ...fields.map((name) => ({ name, type: fieldType(entity, name), default: null })),
    ],
  };
}

/** A compiled schema with its id (a fingerprint, as Salesforce's schema ids are). */
export interface CompiledSchema {
  id: string;
  json: string;
  type: avro.Type;
  /** Top-level field names in schema order (index = bitmap bit). */
  fields: readonly string[];
  children: (field: string) => readonly string[] | undefined;
}

export function compileSchema(entity: string): CompiledSchema {
  const schema = changeEventSchema(entity);
  const json = JSON.stringify(schema);
  return {
    id: createHash('sha256').update(json).digest('base64url').slice(0, 22),
    json,
    type: avro.Type.forSchema(schema as avro.Schema),
    fields: ['ChangeEventHeader', ...(ENTITY_FIELDS[entity] ?? [])],
    children: (field) => childrenOf(field, entity),
  };
}

const hexOf = (bits: readonly number[]): string => {
  let value = 0n;
  for (const bit of bits) value |= 1n << BigInt(bit);
  return `0x${value.toString(16).toUpperCase().padStart(2, '0')}`;
};

/**
 * Field names as the Pub/Sub API sends them: bitmaps of schema positions, not names.
 * The first entry covers top-level fields; `"<parent index>-0x…"` entries cover the
 * children of a compound field. Source:
 * https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-avro-serialization.html
 */
export function fieldBitmaps(schema: CompiledSchema, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const top: number[] = [];
  const nested = new Map<number, number[]>();
  for (const name of names) {
    const [parent = '', child] = name.split('.');
    const index = schema.fields.indexOf(parent);
    if (index < 0) throw new Error(`${name} is not a field of this schema`);
    if (child === undefined) {
      top.push(index);
      continue;
    }
    const childIndex = schema.children(parent)?.indexOf(child) ?? -1;
    if (childIndex < 0) throw new Error(`${name} is not a field of this schema`);
    nested.set(index, [...(nested.get(index) ?? []), childIndex]);
  }
  return [hexOf(top), ...[...nested].map(([index, bits]) => `${index}-${hexOf(bits)}`)];
}
