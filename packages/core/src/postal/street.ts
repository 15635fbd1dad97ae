/**
 * Salesforce keeps street lines in one textarea (`MailingStreet`, `BillingStreet`) and
 * HubSpot users paste multi-line addresses into `address`: the first line is line1, the
 * rest (joined with ", ") is line2.
 *
 * @example
 * splitStreet('221B Baker Street\nFlat 2'); // { line1: '221B Baker Street', line2: 'Flat 2' }
 */
export function splitStreet(street: string | null): { line1: string | null; line2: string | null } {
  if (street === null) return { line1: null, line2: null };
  const lines = street
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const [line1 = null, ...rest] = lines;
  return { line1, line2: rest.length > 0 ? rest.join(', ') : null };
}
