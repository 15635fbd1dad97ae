/**
 * Per-country address rules, from Google's libaddressinput data
 * (https://chromium-i18n.appspot.com/ssl-address/data/DE and …/AT, …/CH, …/FR, …/GB, …/US):
 * `require` lists the fields a deliverable address must have, `zip` the postal code pattern.
 * Hand-written because the full dataset is far larger than the six markets we check strictly.
 */
export interface CountryRule {
  requirePostalCode: boolean;
  requireRegion: boolean;
  postalCode?: { pattern: RegExp; expected: string };
  /** Canonical form before matching (upper-case, single space, national prefix dropped). */
  normalizePostalCode?: (text: string) => string;
}

const digits = (count: number, first: string) => ({
  pattern: new RegExp(`^[${first}]\\d{${count - 1}}$`),
  expected: `${count} digits`,
});

// "D-01067", "A-1010", "CH-8001": the pre-1990s national prefixes still appear in CRM data.
const dropPrefix = (prefix: RegExp) => (text: string) => text.replace(prefix, '').trim();

export const COUNTRY_RULES: ReadonlyMap<string, CountryRule> = new Map<string, CountryRule>([
  // German codes run 01001–99998; none start with 00.
  [
    'DE',
    {
      requirePostalCode: true,
      requireRegion: false,
      postalCode: { pattern: /^(?!00)\d{5}$/, expected: '5 digits' },
      normalizePostalCode: dropPrefix(/^(?:DE?)\s*-\s*/i),
    },
  ],
  [
    'AT',
    {
      requirePostalCode: true,
      requireRegion: false,
      postalCode: digits(4, '1-9'),
      normalizePostalCode: dropPrefix(/^(?:AT?)\s*-\s*/i),
    },
  ],
  [
    'CH',
    {
      requirePostalCode: true,
      requireRegion: false,
      postalCode: digits(4, '1-9'),
      normalizePostalCode: dropPrefix(/^CH\s*-\s*/i),
    },
  ],
  [
    'FR',
    {
      requirePostalCode: true,
      requireRegion: false,
      postalCode: { pattern: /^\d{5}$/, expected: '5 digits' },
      normalizePostalCode: (text) => text.replace(/\s+/g, ''),
    },
  ],
  [
    'GB',
    {
      requirePostalCode: true,
      requireRegion: false,
      postalCode: {
        pattern: /^(?:[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|GIR 0AA)$/,
        expected: 'a postcode like SW1A 2AA',
      },
      // Royal Mail: the inward code is always the last three characters.
      normalizePostalCode: (text) => {
        const compact = text.replace(/\s+/g, '').toUpperCase();
        return compact.length >= 5 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
      },
    },
  ],
  [
    'US',
    {
      requirePostalCode: true,
      requireRegion: true,
      postalCode: { pattern: /^\d{5}(?:-\d{4})?$/, expected: 'a ZIP code of 5 digits or 5+4' },
      normalizePostalCode: (text) => text.replace(/\s*-\s*/, '-'),
    },
  ],
]);
