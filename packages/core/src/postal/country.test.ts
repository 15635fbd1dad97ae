import fc from 'fast-check';
import countries from 'i18n-iso-countries/index.js';
import { describe, expect, it } from 'vitest';
import { lookUpCountry, normalizeCountry } from './country.js';

describe('normalizeCountry', () => {
  it.each([
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['D', 'DE'],
    ['de', 'DE'],
    [' DEU ', 'DE'],
    ['Bundesrepublik Deutschland', 'DE'],
    ['Austria', 'AT'],
    ['Österreich', 'AT'],
    ['Oesterreich', 'AT'],
    ['A', 'AT'],
    ['AUT', 'AT'],
    ['Switzerland', 'CH'],
    ['Schweiz', 'CH'],
    ['CHE', 'CH'],
    ['UK', 'GB'],
    ['United Kingdom', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Vereinigtes Königreich', 'GB'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['United States of America', 'US'],
    ['Vereinigte Staaten', 'US'],
    ['France', 'FR'],
    ['Frankreich', 'FR'],
    ['Niederlande', 'NL'],
    ['Holland', 'NL'],
  ])('%s → %s', (text, code) => {
    expect(normalizeCountry(text)).toBe(code);
  });

  it.each(['Atlantis', '', '   ', 'XX', 'EU', 'ZZZ', '__proto__', 'constructor', 'Germany!'])(
    'unknown %j → null',
    (text) => {
      expect(normalizeCountry(text)).toBeNull();
    },
  );

  it('returns null for non-text', () => {
    for (const value of [null, undefined, 49, {}, ['DE']]) expect(normalizeCountry(value)).toBeNull();
  });

  it('never throws and returns null or a two-letter code, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.anything()), (value) => {
        const code = normalizeCountry(value);
        expect(code === null || /^[A-Z]{2}$/.test(code)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: the cached lookup answers as the uncached one, in any order and repetition', () => {
    // Names and codes as the library knows them, respelt as CRM fields hold them, and noise.
    const known = [
      ...Object.values(countries.getNames('en')),
      ...Object.values(countries.getNames('de')),
      ...Object.keys(countries.getAlpha2Codes()),
      ...Object.keys(countries.getAlpha3Codes()),
    ];
    const respelt = fc
      .tuple(fc.constantFrom(...known), fc.constantFrom('', ' ', '  '), fc.boolean(), fc.boolean())
      .map(([name, pad, upper, lower]) => {
        const cased = upper ? name.toUpperCase() : lower ? name.toLowerCase() : name;
        return `${pad}${cased}${pad}`;
      });
    fc.assert(
      fc.property(fc.array(fc.oneof(respelt, fc.string({ maxLength: 12 })), { maxLength: 40 }), (texts) => {
        for (const text of [...texts, ...texts.reverse()])
          expect(normalizeCountry(text)).toBe(lookUpCountry(text));
      }),
      { numRuns: 300 },
    );
  });
});
