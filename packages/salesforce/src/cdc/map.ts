import type { CrmEvent, EventKind, PropertyValue } from '@hookpost/core';
import { HookpostSalesforceError } from '../errors.js';
import { salesforceEventId, toIsoInstant } from '../event-id.js';
import { toOrgId18 } from '../org-id.js';
import type { ChangeEventHeader } from './types.js';

const KIND_BY_CHANGE_TYPE: Record<string, EventKind> = {
  CREATE: 'created',
  UPDATE: 'updated',
  DELETE: 'deleted',
  UNDELETE: 'restored',
};

type Payload = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readHeader(payload: unknown): ChangeEventHeader {
  const header = isRecord(payload) ? payload.ChangeEventHeader : undefined;
  if (!isRecord(header) || typeof header.changeType !== 'string' || typeof header.entityName !== 'string') {
    throw new HookpostSalesforceError(
      'invalid_change_event',
      'change event has no ChangeEventHeader with changeType and entityName',
    );
  }
  if (!Array.isArray(header.recordIds) || typeof header.transactionKey !== 'string') {
    throw new HookpostSalesforceError(
      'invalid_change_event',
      'ChangeEventHeader lacks recordIds or transactionKey',
    );
  }
  return header as unknown as ChangeEventHeader;
}

/**
 * The REST/outbound-message name of a CDC field: CDC nests compound fields
 * (`MailingAddress.City`, `Name.FirstName`), the other APIs flatten them (`MailingCity`,
 * `FirstName`). https://developer.salesforce.com/docs/platform/change-data-capture/guide/cdc-field-conversion-compound.html
 */
export function flatFieldName(path: string): string {
  const [parent, child] = path.split('.');
  if (!parent || !child) return path;
  if (parent === 'Name') return child;
  if (parent.endsWith('Address')) return `${parent.slice(0, -'Address'.length)}${child}`;
  return path;
}

function toPropertyValue(value: unknown): PropertyValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return undefined; // nested objects are read field by field
}

function valueAt(payload: Payload, path: string): unknown {
  let node: unknown = payload;
  for (const part of path.split('.')) node = isRecord(node) ? node[part] : undefined;
  return node;
}

/** Every non-null field of a CREATE/UNDELETE body, compound fields flattened. */
function snapshot(payload: Payload): Record<string, PropertyValue> {
  const properties: Record<string, PropertyValue> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'ChangeEventHeader' || value === null || value === undefined) continue;
    if (isRecord(value)) {
      for (const [child, nested] of Object.entries(value)) {
        const converted = toPropertyValue(nested);
        if (converted !== undefined && converted !== null)
          properties[flatFieldName(`${name}.${child}`)] = converted;
      }
    } else {
      const converted = toPropertyValue(value);
      if (converted !== undefined) properties[name] = converted;
    }
  }
  return properties;
}

/**
 * A `DELETE` body has no values except enriched fields (e.g. `MasterRecordId` when an
 * admin enriches the channel with it); those are kept.
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_body.htm
 */
function deletedFields(payload: Payload): { properties?: Record<string, PropertyValue> } {
  const properties = snapshot(payload);
  return Object.keys(properties).length > 0 ? { properties } : {};
}

/** The record id an overflow event names instead of real ones; never an event of its own. */
export const OVERFLOW_RECORD_ID = '000000000000000AAA';

function changesOf(payload: Payload, header: ChangeEventHeader): Record<string, { value: PropertyValue }> {
  const changes: Record<string, { value: PropertyValue }> = {};
  // A `diffFields` value is a unified diff of a long text, not the value: it is re-read instead.
  const diffed = new Set(header.diffFields ?? []);
  for (const field of header.changedFields ?? []) {
    if (diffed.has(field)) continue;
    changes[flatFieldName(field)] = { value: toPropertyValue(valueAt(payload, field)) ?? null };
  }
  // A field set to null is sent as null, indistinguishable from "unchanged" without this list.
  for (const field of header.nulledFields ?? []) changes[flatFieldName(field)] = { value: null };
  return changes;
}

/**
 * What the app re-reads to complete an event (CDC sends only changed fields, gap events
 * none): the record ids, the changed field names (flattened), the diffed ones (whose values
 * must be read, never taken from the event) and the nulled ones. `all` = re-read the record.
 */
export interface RereadHint {
  recordIds: string[];
  changedFields: string[];
  diffFields: string[];
  nulledFields: string[];
  all: boolean;
}

function rereadOf(header: ChangeEventHeader, recordIds: string[], gap: boolean): RereadHint {
  const flat = (fields: string[] | undefined) => [...new Set((fields ?? []).map(flatFieldName))];
  return {
    recordIds,
    changedFields: flat(header.changedFields),
    diffFields: flat(header.diffFields),
    nulledFields: flat(header.nulledFields),
    all: gap,
  };
}

/** What {@link changeEventToCrmEvents} needs beside the payload. */
export interface ChangeEventContext {
  organizationId: string;
  replayId: string | number | bigint;
  /**
   * For `GAP_OVERFLOW` (which names no real record): the ids of the entity's records changed
   * since the last event, read by the caller (e.g. `client.changedRecordIds`). Absent = none.
   */
  overflowRecordIds?: readonly string[];
}

/**
 * One {@link CrmEvent} per record id of a Change Data Capture event.
 * - `UPDATE` → `updated` with the changed values except `diffFields` (a diff is not a value),
 *   `nulledFields` as `null`, and `source.reread` ({@link RereadHint}) naming what to read.
 * - `GAP_CREATE|UPDATE|DELETE|UNDELETE` (no field values) → the normal kind with
 *   `source.gap: true` and `source.reread.all: true`: the app reads the whole record.
 * - `GAP_OVERFLOW` → one `updated` re-read event per id in `context.overflowRecordIds`, never
 *   one for `000000000000000AAA`.
 * Source: https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_other_events_gap.htm
 *
 * @example
 * const events = changeEventToCrmEvents(event.payload, { organizationId: '00D5e000000KQ2eEAG', replayId: event.replayId });
 */
export function changeEventToCrmEvents(payload: unknown, context: ChangeEventContext): CrmEvent[] {
  const header = readHeader(payload);
  const body = payload as Payload;
  const accountId = toOrgId18(context.organizationId);
  const gap = header.changeType.startsWith('GAP_');
  const overflow = header.changeType === 'GAP_OVERFLOW';
  const baseType = overflow ? 'UPDATE' : gap ? header.changeType.slice('GAP_'.length) : header.changeType;
  const kind = KIND_BY_CHANGE_TYPE[baseType] ?? 'unknown';
  const occurredAt = toIsoInstant(header.commitTimestamp);
  if (!occurredAt)
    throw new HookpostSalesforceError(
      'invalid_change_event',
      'ChangeEventHeader has no valid commitTimestamp',
    );
  const source = {
    channel: 'cdc',
    changeType: header.changeType,
    changeOrigin: header.changeOrigin ?? null,
    commitUser: header.commitUser ?? null,
    replayId: String(context.replayId),
    entityName: header.entityName,
    ...(header.commitNumber !== undefined ? { commitNumber: String(header.commitNumber) } : {}),
    ...(gap ? { gap: true } : {}),
  };
  const detail = () =>
    gap
      ? {}
      : kind === 'updated'
        ? { changes: changesOf(body, header) }
        : kind === 'created' || kind === 'restored'
          ? { properties: snapshot(body) }
          : deletedFields(body);
  const recordIds = (overflow ? [...(context.overflowRecordIds ?? [])] : header.recordIds).filter(
    (id) => id !== '' && id !== OVERFLOW_RECORD_ID,
  );
  return recordIds.map((recordId) => {
    const externalId = `${header.transactionKey}:${header.sequenceNumber}:${recordId}`;
    return {
      // commitTimestamp is fixed per change event: a replay gets the same time-prefixed id.
      id: salesforceEventId(accountId, externalId, Date.parse(occurredAt)),
      platform: 'salesforce',
      accountId,
      externalId,
      objectType: header.entityName.toLowerCase(),
      objectId: recordId,
      kind,
      ...detail(),
      occurredAt,
      source: {
        ...source,
        ...(kind === 'updated' || gap ? { reread: rereadOf(header, [recordId], gap) } : {}),
      },
    };
  });
}
