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
 * Whether two Salesforce ids name the same record, whichever of the 15- or 18-character
 * forms each is in. The first 15 characters are the case-sensitive id; the suffix is only a
 * checksum, so it is recomputed rather than trusted. Invalid ids never match.
 *
 * @example
 * sameOrgId('00D5e000000KQ2e', '00D5e000000KQ2eEAG'); // true
 */
export function sameOrgId(a: string, b: string): boolean {
  if (!isSalesforceId(a) || !isSalesforceId(b)) return false;
  return toOrgId18(a.slice(0, 15)) === toOrgId18(b.slice(0, 15));
}
