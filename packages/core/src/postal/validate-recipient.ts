import { crmRefSchema, type Recipient } from '../address.js';
import type { Issue } from '../errors.js';
import type { ValidationResult } from '../result.js';
import { validateAddress } from './validate-address.js';

/** Lob caps the name and company fields at 40 characters (https://docs.lob.com/#tag/Addresses). */
export const MAX_NAME_CHARS = 40;

/** Issue message used when neither a person nor a company name is present. */
export const NAME_REQUIRED = 'name or company required';

/**
 * Checks a whole recipient: its CRM reference, a person or company name (Lob and
 * PostGrid need one; each at most 40 characters) and the address (`address.*` paths).
 * Never throws.
 *
 * @example
 * validateRecipient({ crm, firstName: null, lastName: null, company: null, address });
 * // { ok: false, issues: [{ path: 'name', message: 'name or company required' }] }
 */
export function validateRecipient(input: unknown): ValidationResult<Recipient> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ path: '', message: 'expected a recipient object' }] };
  }
  const record = input as Record<string, unknown>;
  const issues: Issue[] = [];
  const crm = crmRefSchema.safeParse(record.crm);
  if (!crm.success) issues.push({ path: 'crm', message: 'expected { platform, objectType, objectId }' });

  const firstName = readName(record, 'firstName', issues);
  const lastName = readName(record, 'lastName', issues);
  const company = readName(record, 'company', issues);
  const email = typeof record.email === 'string' && record.email.trim() !== '' ? record.email.trim() : null;
  const personName = [firstName, lastName].filter((part) => part !== null).join(' ');
  if (personName === '' && company === null) issues.push({ path: 'name', message: NAME_REQUIRED });
  if (personName.length > MAX_NAME_CHARS) {
    issues.push({ path: 'name', message: `longer than ${MAX_NAME_CHARS} characters` });
  }
  if (company !== null && company.length > MAX_NAME_CHARS) {
    issues.push({ path: 'company', message: `longer than ${MAX_NAME_CHARS} characters` });
  }

  const address = validateAddress(record.address);
  if (!address.ok) {
    for (const issue of address.issues) {
      issues.push({ path: issue.path === '' ? 'address' : `address.${issue.path}`, message: issue.message });
    }
  }
  if (issues.length > 0 || !crm.success || !address.ok) return { ok: false, issues };
  return { ok: true, value: { crm: crm.data, firstName, lastName, company, email, address: address.value } };
}

function readName(record: Record<string, unknown>, field: string, issues: Issue[]): string | null {
  const raw = Object.hasOwn(record, field) ? record[field] : undefined;
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') {
    issues.push({ path: field, message: `expected text, got ${typeof raw}` });
    return null;
  }
  const trimmed = raw.trim().replace(/\s+/g, ' ');
  return trimmed === '' ? null : trimmed;
}
