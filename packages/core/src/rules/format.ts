import type { PropertyValue } from '../event.js';

const MAX_SHOWN_CHARS = 80;

/** A value as it reads in a decision reason: strings quoted, missing as `no value`. */
export function formatValue(value: PropertyValue | undefined): string {
  if (value === undefined) return 'no value';
  if (typeof value !== 'string') return String(value);
  const shown = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value;
  return JSON.stringify(shown);
}

/** A list as it reads in a reason: `[DE, AT, CH]`. */
export function formatList(values: readonly (string | number | boolean)[]): string {
  return `[${values.map(String).join(', ')}]`;
}
