import { createHash } from 'node:crypto';
import type { CrmRef, PostalAddress } from '../address.js';
import { boundedCache } from '../memo/bounded.js';
import { normalizeCountry } from '../postal/country.js';

/**
 * Lower-case hex SHA-256 of a UTF-8 string.
 *
 * @example
 * sha256Hex('abc'); // 'ba7816bf…'
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The readable identity of a CRM record, used by the frequency lookups:
 * `platform:objectType:objectId` with the object type lower-cased (`hubspot:contact:123`).
 *
 * @example
 * recipientKey({ crm: { platform: 'salesforce', objectType: 'Contact', objectId: '003…' } }); // 'salesforce:contact:003…'
 */
export function recipientKey(recipient: { crm: CrmRef }): string {
  const { platform, objectType, objectId } = recipient.crm;
  return `${platform}:${objectType.toLowerCase()}:${objectId}`;
}

/**
 * SHA-256 of the trimmed, lower-cased e-mail address, or null when it is not one. Lets a
 * suppression list outlive a privacy deletion without keeping the address itself
 * (reference/direct-mail.md, LG Stuttgart 2022).
 *
 * @example
 * hashEmail(' Erika@Example.com ') === hashEmail('erika@example.com'); // true
 */
export function hashEmail(email: string | null | undefined): string | null {
  return typeof email === 'string' ? emailHashes(email, () => computeEmailHash(email)) : null;
}

// The worker asks for the same recipient's hashes several times per decision (the batch's
// suppression preload, the policies, the piece's stored hashes): each SHA-256 once per value.
const emailHashes = boundedCache<string | null>();
const addressHashes = boundedCache<string | null>();
const crmHashes = boundedCache<string>();

/** `hashEmail` without its cache (exported for the tests that compare the two). */
export function computeEmailHash(email: string): string | null {
  const normalised = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(normalised) ? sha256Hex(`email:${normalised}`) : null;
}

/**
 * SHA-256 of a normalised postal address, or null when there is too little to identify one
 * (no street line, or no postal code and no city, or no known country). Spelling variants
 * hash alike: `Heidestr. 17, 51147 Köln` and `HEIDESTRASSE 17, 51147 Koeln`.
 *
 * @example
 * hashAddress({ line1: 'Heidestraße 17', line2: null, postalCode: '51147', city: 'Köln', region: null, country: 'DE' });
 */
export function hashAddress(address: PostalAddress): string | null {
  // The fields the hash reads, as they are (null apart from ''): distinct addresses, distinct keys.
  const key = JSON.stringify([
    address.country,
    address.postalCode,
    address.city,
    address.line1,
    address.line2,
  ]);
  return addressHashes(key, () => computeAddressHash(address));
}

/** `hashAddress` without its cache (exported for the tests that compare the two). */
export function computeAddressHash(address: PostalAddress): string | null {
  const country = normalizeCountry(address.country);
  const line1 = fold(address.line1);
  const postalCode = (address.postalCode ?? '').replace(/\s+/g, '').toUpperCase();
  const city = fold(address.city);
  if (country === null || line1 === '' || (postalCode === '' && city === '')) return null;
  return sha256Hex(JSON.stringify(['address', country, postalCode, city, line1, fold(address.line2)]));
}

/**
 * Folds spelling variants of German and other Latin-script addresses: umlauts as
 * transliterated (ä → ae, the German convention), other accents dropped, "str." →
 * "strasse", punctuation and spacing ignored.
 */
function fold(text: string | null): string {
  if (text === null) return '';
  return text
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .replaceAll('ä', 'ae')
    .replaceAll('ö', 'oe')
    .replaceAll('ü', 'ue')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/str(?:\.|(?![a-z]))/g, 'strasse')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * SHA-256 of a CRM reference, for suppression entries kept after a privacy deletion.
 *
 * @example
 * hashCrmRef({ platform: 'hubspot', objectType: 'contact', objectId: '123' }); // 64 hex chars
 */
export function hashCrmRef(crm: CrmRef): string {
  const key = recipientKey({ crm });
  return crmHashes(key, () => sha256Hex(`crm:${key}`));
}

/**
 * The key policies count a recipient under for a campaign's `policy.identity`: the record
 * (`hubspot:contact:123`) for `record`; for `person` the person across objects and CRMs —
 * `person:email:<sha256 of the normalised e-mail>`, else `person:address:<sha256 of the
 * normalised postal address>`, else the record when neither is usable.
 *
 * @example
 * identityKey({ crm, email: 'Erika@Example.de ', address }, 'person'); // 'person:email:5c…'
 */
export function identityKey(
  recipient: { crm: CrmRef; email?: string | null | undefined; address?: PostalAddress | undefined },
  identity: 'record' | 'person' | undefined,
): string {
  if (identity !== 'person') return recipientKey(recipient);
  const email = hashEmail(recipient.email);
  if (email) return `person:email:${email}`;
  const address = recipient.address ? hashAddress(recipient.address) : null;
  return address ? `person:address:${address}` : recipientKey(recipient);
}
