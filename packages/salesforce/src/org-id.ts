import { HookpostSalesforceError } from './errors.js';

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
// The checksum alphabet: a 5-bit number per 5-character chunk picks one of these.
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** True for a 15- or 18-character alphanumeric Salesforce id. */
export function isSalesforceId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * The case-insensitive 18-character form of a Salesforce id. An 18-character id is
 * returned unchanged; a 15-character one gets the checksum suffix Salesforce appends:
 * for each 5-character chunk, bit i is set when character i is an upper-case letter.
 * Hand-written because no maintained package does only this (7 lines);
 * see https://help.salesforce.com/s/articleView?id=000385585&type=1
 *
 * @example
 * toOrgId18('00D5e000000KQ2e'); // '00D5e000000KQ2eEAG'
 */
export function toOrgId18(id: string): string {
  if (!isSalesforceId(id)) {
    throw new HookpostSalesforceError(
      'invalid_id',
      `"${id.slice(0, 40)}" is not a 15- or 18-character Salesforce id`,
    );
  }
  if (id.length === 18) return id;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id + suffix;
}

/**
 * The one canonical form of a Salesforce id, or `null` when it is not one. A 15-character
 * id is case-sensitive and taken only as given (its checksum suffix is appended). An
 * 18-character id is the case-insensitive form: its suffix says which of the first 15
 * characters are upper-case, so any letter case of it (`00dxx0000001gpfeay`) is restored
 * to the real id (`00Dxx0000001gPFEAY`); a suffix that is no checksum makes it invalid.
 * https://help.salesforce.com/s/articleView?id=000385585&type=1
 *
 * @example
 * canonicalSalesforceId('00DXX0000001GPFEAY'); // '00Dxx0000001gPFEAY'
 */
export function canonicalSalesforceId(id: string): string | null {
  if (!isSalesforceId(id)) return null;
  if (id.length === 15) return toOrgId18(id);
  const suffix = id.slice(15).toUpperCase();
  let body = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix.charAt(chunk));
    if (bits < 0) return null;
    for (let i = 0; i < 5; i += 1) {
      const char = id.charAt(chunk * 5 + i);
      body += bits & (1 << i) ? char.toUpperCase() : char.toLowerCase();
    }
  }
  // A digit cannot carry an upper-case bit: such a suffix belongs to no id.
  return toOrgId18(body) === body + suffix ? body + suffix : null;
}

/**
 * Whether two Salesforce ids name the same record, in either form: 18-character ids
 * compare case-insensitively, 15-character ids only exactly as given. Invalid ids never
 * match. The one place ids are compared (the outbound message's OrganizationId check uses it).
 *
 * @example
 * sameOrgId('00D5e000000KQ2e', '00D5e000000KQ2eEAG'); // true
 * sameOrgId('00D5E000000KQ2EEAG', '00D5e000000KQ2eEAG'); // true
 * sameOrgId('00d5e000000kq2e', '00D5e000000KQ2eEAG'); // false
 */
export function sameOrgId(a: string, b: string): boolean {
  const left = canonicalSalesforceId(a);
  return left !== null && left === canonicalSalesforceId(b);
}
