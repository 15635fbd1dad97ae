import type { EventKind } from '@hookpost/core';

// A Map, not an object literal: the action comes from the request, and `toString` or
// `constructor` must not find Object.prototype members.
const KIND_BY_ACTION: ReadonlyMap<string, EventKind> = new Map([
  ['creation', 'created'],
  ['deletion', 'deleted'],
  ['propertyChange', 'updated'],
  ['merge', 'merged'],
  ['restore', 'restored'],
  ['associationChange', 'association_changed'],
  ['privacyDeletion', 'privacy_deleted'],
]);

/** Splits `contact.propertyChange` into its object prefix and action. */
export function splitSubscriptionType(type: string): { prefix: string; action: string } {
  const dot = type.indexOf('.');
  return dot === -1
    ? { prefix: type, action: '' }
    : { prefix: type.slice(0, dot), action: type.slice(dot + 1) };
}

/** Any action HubSpot adds later maps to `unknown` and is kept (the event model). */
export function kindFromAction(action: string): EventKind {
  return KIND_BY_ACTION.get(action) ?? 'unknown';
}
