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

function changesOf(payload: Payload, header: ChangeEventHeader): Record<string, { value: PropertyValue }> {
  const changes: Record<string, { value: PropertyValue }> = {};
  for (const field of header.changedFields ?? []) {
    changes[flatFieldName(field)] = { value: toPropertyValue(valueAt(payload, field)) ?? null };
  }
  // A field set to null is sent as null, indistinguishable from "unchanged" without this list.
  for (const field of header.nulledFields ?? []) changes[flatFieldName(field)] = { value: null };
  return changes;
}

/** What {@link changeEventToCrmEvents} needs beside the payload. */
export interface ChangeEventContext {
  organizationId: string;
  replayId: string | number | bigint;
}

/**
 * One {@link CrmEvent} per record id of a Change Data Capture event. Gap and overflow
 * events become `unknown` with `source.gap: true`, so the app re-reads the records; an
 * overflow event (no record ids) still yields one event for its entity.
 *
 * @example
 * const events = changeEventToCrmEvents(event.payload, { organizationId: '00D5e000000KQ2eEAG', replayId: event.replayId });
 */
export function changeEventToCrmEvents(payload: unknown, context: ChangeEventContext): CrmEvent[] {
  const header = readHeader(payload);
  const body = payload as Payload;
  const accountId = toOrgId18(context.organizationId);
  const gap = header.changeType.startsWith('GAP_');
  const kind = gap ? 'unknown' : (KIND_BY_CHANGE_TYPE[header.changeType] ?? 'unknown');
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
    kind === 'updated'
      ? { changes: changesOf(body, header) }
      : kind === 'created' || kind === 'restored'
        ? { properties: snapshot(body) }
        : {};
  const recordIds = header.recordIds.length > 0 ? header.recordIds : [''];
  return recordIds.map((recordId) => {
    const externalId = `${header.transactionKey}:${header.sequenceNumber}:${recordId}`;
    return {
      id: salesforceEventId(accountId, externalId),
      platform: 'salesforce',
      accountId,
      externalId,
      objectType: header.entityName.toLowerCase(),
      objectId: recordId,
      kind,
      ...detail(),
      occurredAt,
      source: { ...source },
    };
  });
}
