import type { PropertyValue } from '../event.js';

type Scalar = string | number | boolean;

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** HubSpot sends every property as a string ("5000", "true"): read numbers out of them. */
export function toNumber(value: PropertyValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return NUMERIC.test(trimmed) ? Number(trimmed) : null;
}

/**
 * Equality that survives the CRMs' typing: `"5000"` equals `5000`, `"true"` equals `true`.
 * Strings compare exactly (case-sensitive), like HubSpot's internal enumeration values.
 */
export function looseEquals(actual: PropertyValue | undefined, expected: Scalar): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof actual === typeof expected) return actual === expected;
  if (typeof expected === 'number') return toNumber(actual) === expected;
  if (typeof actual === 'number') return toNumber(expected) === actual;
  if (typeof expected === 'boolean') return String(actual).trim().toLowerCase() === String(expected);
  return String(expected).trim().toLowerCase() === String(actual);
}

/** How a `gt` / `lt` operand is compared: as a number, an instant, or text. */
export type Ordering =
  | { kind: 'number'; value: number }
  | { kind: 'date'; value: number }
  | { kind: 'text'; value: string };

export function toOrdering(operand: number | string): Ordering {
  const number = toNumber(operand);
  if (number !== null) return { kind: 'number', value: number };
  const time = Date.parse(operand as string);
  if (!Number.isNaN(time)) return { kind: 'date', value: time };
  return { kind: 'text', value: operand as string };
}

/**
 * The actual value on the operand's scale, or null when it cannot be compared.
 * Dates: HubSpot sends epoch milliseconds as text, Salesforce ISO-8601; both are read.
 */
export function onScale(actual: PropertyValue | undefined, kind: Ordering['kind']): number | string | null {
  if (actual === undefined || actual === null || typeof actual === 'boolean') return null;
  if (kind === 'number') return toNumber(actual);
  if (kind === 'text') return String(actual);
  const epochMs = toNumber(actual);
  if (epochMs !== null) return epochMs;
  const time = Date.parse(actual as string);
  return Number.isNaN(time) ? null : time;
}
