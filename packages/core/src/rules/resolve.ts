import type { PostalAddress } from '../address.js';
import { HookpostCoreError } from '../errors.js';
import type { PropertyValue } from '../event.js';
import { own, ownValue, type Scope } from './context.js';

/** Reads one condition field from a scope; compiled once per campaign. */
export type Resolver = (scope: Scope) => PropertyValue | undefined;

// The event model: object types are lower-case, so `Account.Name` is a Salesforce field, not a path.
const OBJECT_TYPE = /^[a-z][a-z0-9_]*$/;
const ADDRESS_FIELDS = new Set<string>(['line1', 'line2', 'postalCode', 'city', 'region', 'country']);
const RECIPIENT_FIELDS = new Set<string>(['firstName', 'lastName', 'company', 'email']);

/**
 * Compiles a field path:
 * - `address.<field>` — the recipient's normalised address (country as alpha-2);
 * - `recipient.<field>` — firstName, lastName, company, email of the recipient;
 * - `<objectType>.<property>` — `records[objectType]` (the event's own record first when it is that type);
 * - a bare property — the event's own record, then the recipient's record.
 */
export function compileResolver(field: string): Resolver {
  const problem = fieldPathProblem(field);
  if (problem !== null) throw new HookpostCoreError('invalid_campaign', `condition field ${problem}`);
  const dot = field.indexOf('.');
  const head = dot > 0 ? field.slice(0, dot) : '';
  const rest = field.slice(dot + 1);
  if (head === 'address') {
    const key = rest as keyof PostalAddress;
    return (scope) => (scope.recipient ? scope.recipient.address[key] : undefined);
  }
  if (head === 'recipient') {
    const key = rest as 'firstName' | 'lastName' | 'company' | 'email';
    return (scope) => (scope.recipient ? scope.recipient[key] : undefined);
  }
  if (dot > 0 && OBJECT_TYPE.test(head)) {
    return (scope) =>
      scope.event.objectType === head ? ownValue(scope, rest) : own(scope.records[head], rest);
  }
  return (scope) => {
    const value = ownValue(scope, field);
    if (value !== undefined || scope.recipientType === scope.event.objectType) return value;
    return own(scope.records[scope.recipientType], field);
  };
}

/** Why a condition field cannot be read (`address.street` is not an address field), or null. */
export function fieldPathProblem(field: string): string | null {
  const dot = field.indexOf('.');
  const head = field.slice(0, Math.max(dot, 0));
  const rest = field.slice(dot + 1);
  if (head === 'address' && !ADDRESS_FIELDS.has(rest)) {
    return `"${field}": address fields are ${[...ADDRESS_FIELDS].join(', ')}`;
  }
  if (head === 'recipient' && !RECIPIENT_FIELDS.has(rest)) {
    return `"${field}": recipient fields are ${[...RECIPIENT_FIELDS].join(', ')}`;
  }
  return null;
}
