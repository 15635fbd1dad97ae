import type { TriggerClause } from '../campaign.js';
import type { CrmEvent, PropertyValue } from '../event.js';
import { looseEquals } from './compare.js';
import { own, ownValue, type Scope } from './context.js';
import { formatList, formatValue } from './format.js';
import { memoReason } from './memo.js';

/** The trigger clause compiled once: null when the event fires it, else the failed clause. */
export type CompiledTrigger = (scope: Scope) => string | null;

const MAX_LISTED_KEYS = 10;

/** The trigger property is absent; carries the reason. Allocated only on the failure path. */
class Missing {
  constructor(readonly reason: string) {}
}

/**
 * Clauses are checked in a fixed order (platform, object, on, property, to / in) so the
 * reason always names the first one that failed.
 */
export function compileTrigger(trigger: TriggerClause): CompiledTrigger {
  const checkOn = compileOn(trigger);
  const readProperty = compileProperty(trigger);
  const checkValue = compileValue(trigger);
  const object = trigger.object.toLowerCase();
  const platformReason = memoReason(
    (got) => `trigger.platform: expected "${trigger.platform}", got ${formatValue(got)}`,
  );
  const objectReason = memoReason(
    (got: string) => `trigger.object: expected "${object}", got ${formatValue(got)}`,
  );
  return (scope) => {
    const { event } = scope;
    if (event.platform !== trigger.platform) return platformReason(event.platform);
    if (event.objectType !== object && event.objectType.toLowerCase() !== object)
      return objectReason(event.objectType);
    const onFailure = checkOn(event);
    if (onFailure !== null) return onFailure;
    if (readProperty === null) return null;
    const value = readProperty(scope);
    if (value instanceof Missing) return value.reason;
    const failure = checkValue(value);
    if (failure !== null) scope.failedClause = 'trigger.value';
    return failure;
  };
}

function compileOn(trigger: TriggerClause): (event: CrmEvent) => string | null {
  switch (trigger.on) {
    case 'any':
      return () => null;
    case 'created': {
      const reason = memoReason((kind: string) => `trigger.on: expected kind "created", got "${kind}"`);
      return (event) => (event.kind === 'created' ? null : reason(event.kind));
    }
    case 'property_change':
      return (event) =>
        event.kind === 'updated'
          ? null
          : `trigger.on: expected kind "updated" (property_change), got "${event.kind}"`;
    case 'deleted':
      return (event) =>
        event.kind === 'deleted' || event.kind === 'privacy_deleted'
          ? null
          : `trigger.on: expected kind "deleted" or "privacy_deleted", got "${event.kind}"`;
    case 'outbound_message':
      return checkOutboundMessage;
  }
}

/** Salesforce outbound messages: marked by `source.channel`, else recognised by their full snapshot. */
function checkOutboundMessage(event: CrmEvent): string | null {
  const expected = 'trigger.on: expected a Salesforce outbound message';
  const channel = event.source?.channel;
  if (channel !== undefined) {
    return channel === 'outbound_message' ? null : `${expected}, got channel ${JSON.stringify(channel)}`;
  }
  if (event.kind === 'updated' && event.properties !== undefined) return null;
  return `${expected}, got kind "${event.kind}" without a record snapshot`;
}

/**
 * Reads the trigger property. For property_change it must be among the changes, or (for
 * Salesforce outbound messages, which send a full snapshot and no diff) in the snapshot.
 * Returns a `trigger.property:` reason when it is absent.
 */
function compileProperty(
  trigger: TriggerClause,
): ((scope: Scope) => PropertyValue | Missing | undefined) | null {
  const property = trigger.property;
  if (property === undefined) return null;
  if (trigger.on !== 'property_change') {
    const reason = `trigger.property: expected "${property}" on the event's record`;
    return (scope) => {
      const value = ownValue(scope, property);
      return value === undefined ? new Missing(reason) : value;
    };
  }
  // Keyed by the listed keys: campaigns on other properties fail alike for every event that
  // changes the same ones (a workspace with 50 campaigns wrote this reason 45 times an event).
  const notInSnapshot = memoReason(
    (listed: string) => `trigger.property: expected "${property}" in the record snapshot, got ${listed}`,
  );
  const notChanged = memoReason(
    (changed: string) => `trigger.property: expected a change to "${property}", got ${changed}`,
  );
  return (scope) => {
    const { event } = scope;
    const changes = event.changes;
    if (changes !== undefined && Object.hasOwn(changes, property)) return changes[property]?.value;
    if (event.platform === 'salesforce' && event.properties !== undefined) {
      const value = own(event.properties, property);
      if (value !== undefined) return value;
      return new Missing(notInSnapshot(listKeys(scope, 'properties')));
    }
    return new Missing(notChanged(listKeys(scope, 'changes')));
  };
}

function compileValue(trigger: TriggerClause): (value: PropertyValue | undefined) => string | null {
  const to = trigger.to;
  if (to !== undefined) {
    const shown = formatValue(to);
    const reason = memoReason(
      (value: PropertyValue | undefined) => `trigger.to: expected ${shown}, got ${formatValue(value)}`,
    );
    return (value) => (looseEquals(value, to) ? null : reason(value));
  }
  const list = trigger.in;
  if (list !== undefined) {
    const shown = formatList(list);
    const reason = memoReason(
      (value: PropertyValue | undefined) => `trigger.in: expected one of ${shown}, got ${formatValue(value)}`,
    );
    return (value) => (list.some((want) => looseEquals(value, want)) ? null : reason(value));
  }
  return () => null;
}

/**
 * `[a, b, …]` for the snapshot, `changes to [a, b]` or `no changes` for the changes — once per
 * evaluation: every campaign on another property lists the same keys of the event (the scope
 * lives for one synchronous `evaluateCampaigns` call, so the event cannot change under it).
 */
function listKeys(scope: Scope, of: 'changes' | 'properties'): string {
  const listed = scope.listedKeys;
  let text = listed[of];
  if (text === undefined) {
    const record = scope.event[of];
    if (of === 'changes' && record === undefined) text = 'no changes';
    else {
      const keys = Object.keys(record ?? {});
      const shown = keys.slice(0, MAX_LISTED_KEYS).join(', ');
      const list = keys.length > MAX_LISTED_KEYS ? `[${shown}, …]` : `[${shown}]`;
      text = of === 'changes' ? `changes to ${list}` : list;
    }
    listed[of] = text;
  }
  return text;
}
