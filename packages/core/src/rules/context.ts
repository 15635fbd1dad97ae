import type { Recipient } from '../address.js';
import type { CrmEvent, PropertyValue } from '../event.js';
import type { DecisionClause } from '../trigger.js';

/** Enriched CRM records by lower-case object type (`contact`, `company`, `deal`, `opportunity`…). */
export type RecordsByType = {
  readonly [objectType: string]: Readonly<Record<string, PropertyValue>> | undefined;
};

/**
 * What the rules can see besides the event: the enriched records and, when already
 * resolved, the recipient (whose normalised address `address.*` conditions read).
 */
export interface EvaluationContext {
  records: RecordsByType;
  recipient?: Recipient | null | undefined;
}

/** Internal: one event under evaluation, plus the record a bare field falls back to. */
export interface Scope {
  event: CrmEvent;
  records: RecordsByType;
  recipient: Recipient | null;
  /** Object type of the recipient record (`contact` or `company`). */
  recipientType: string;
  /** Set by the compiled trigger when its failure was the watched value (`to` / `in`). */
  failedClause: DecisionClause;
  /** The event's changed and snapshot keys as reasons list them, built once per evaluation. */
  listedKeys: { changes?: string; properties?: string };
}

/** A property of a plain record, ignoring anything inherited from Object.prototype. */
export function own(record: Readonly<Record<string, PropertyValue>> | undefined, key: string) {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The event's own record: its snapshot, then its changes, then its enriched record. */
export function ownValue(scope: Scope, field: string): PropertyValue | undefined {
  const { event } = scope;
  const fromSnapshot = own(event.properties, field);
  if (fromSnapshot !== undefined) return fromSnapshot;
  const change =
    event.changes !== undefined && Object.hasOwn(event.changes, field) ? event.changes[field] : undefined;
  if (change !== undefined) return change.value;
  return own(scope.records[event.objectType], field);
}
