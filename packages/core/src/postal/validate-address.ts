import type { PostalAddress } from '../address.js';
import type { Issue } from '../errors.js';
import type { ValidationResult } from '../result.js';
import { normalizeCountry } from './country.js';
import { COUNTRY_RULES } from './country-rules.js';
import { isParcelOnlyLine } from './undeliverable.js';

/** Lob rejects address lines longer than this (https://docs.lob.com/#tag/Addresses). */
export const MAX_ADDRESS_LINE_CHARS = 200;

const FIELDS = ['line1', 'line2', 'postalCode', 'city', 'region', 'country'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Checks that a postal address can be printed and posted, with country rules for
 * DE/AT/CH/FR/GB/US and a generic rule elsewhere (line1 + city + country). Returns the
 * normalised address (trimmed, country as alpha-2, canonical postal code) or every issue.
 * Never throws, whatever it is given.
 *
 * @example
 * validateAddress({ line1: 'Neumarkt 1', line2: null, postalCode: '01067', city: 'Dresden', region: null, country: 'Deutschland' });
 * // { ok: true, value: { …, postalCode: '01067', country: 'DE' } }
 */
export function validateAddress(input: unknown): ValidationResult<PostalAddress> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ path: '', message: 'expected an address object' }] };
  }
  const issues: Issue[] = [];
  const text = readFields(input as Record<string, unknown>, issues);
  const country = text.country === null ? null : normalizeCountry(text.country);
  if (text.country === null) issues.push({ path: 'country', message: 'required' });
  else if (country === null)
    issues.push({ path: 'country', message: `unknown country "${clip(text.country)}"` });

  const rule = country === null ? undefined : COUNTRY_RULES.get(country);
  const postalCode =
    text.postalCode !== null && rule?.normalizePostalCode
      ? rule.normalizePostalCode(text.postalCode)
      : text.postalCode;
  const value: PostalAddress = { ...text, postalCode, country };

  if (value.line1 === null) issues.push({ path: 'line1', message: 'required (street and number)' });
  if (value.city === null) issues.push({ path: 'city', message: 'required' });
  if (rule?.requireRegion && value.region === null)
    issues.push({ path: 'region', message: `required for ${country}` });
  if (rule?.requirePostalCode && postalCode === null) {
    issues.push({ path: 'postalCode', message: `required for ${country}` });
  } else if (rule?.postalCode && postalCode !== null && !rule.postalCode.pattern.test(postalCode)) {
    issues.push({
      path: 'postalCode',
      message: `expected ${rule.postalCode.expected} for ${country}, got "${clip(postalCode)}"`,
    });
  }
  for (const field of ['line1', 'line2'] as const) {
    const line = value[field];
    if (line !== null && isParcelOnlyLine(line)) {
      issues.push({
        path: field,
        message: 'undeliverable: Packstation/Postfiliale addresses cannot receive letters',
      });
    }
  }
  return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}

function readFields(input: Record<string, unknown>, issues: Issue[]): Record<Field, string | null> {
  const out = {} as Record<Field, string | null>;
  for (const field of FIELDS) {
    const raw = Object.hasOwn(input, field) ? input[field] : undefined;
    out[field] = null;
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string') {
      // A numeric postal code has already lost its leading zero (01067 → 1067): refuse to guess.
      issues.push({
        path: field,
        message: `expected text, got ${Array.isArray(raw) ? 'a list' : typeof raw}`,
      });
      continue;
    }
    const trimmed = raw.trim().replace(/\s+/g, ' ');
    if (trimmed === '') continue;
    if (trimmed.length > MAX_ADDRESS_LINE_CHARS) {
      issues.push({ path: field, message: `longer than ${MAX_ADDRESS_LINE_CHARS} characters` });
    }
    out[field] = trimmed;
  }
  return out;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
