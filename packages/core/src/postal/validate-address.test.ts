import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateAddress } from './validate-address.js';

type Input = Record<string, unknown>;
const addr = (
  line1: string | null,
  postalCode: string | null,
  city: string | null,
  country: string | null,
  more: Input = {},
) => ({
  line1,
  line2: null,
  postalCode,
  city,
  region: null,
  country,
  ...more,
});

/** Real addresses (public buildings, landmarks); expected: normalised [postalCode, country]. */
const valid: [string, Input, [string | null, string]][] = [
  ['DE Bundeskanzleramt', addr('Willy-Brandt-Straße 1', '10557', 'Berlin', 'DE'), ['10557', 'DE']],
  [
    'DE Dresden, leading zero',
    addr('Georg-Treu-Platz 3', '01067', 'Dresden', 'Deutschland'),
    ['01067', 'DE'],
  ],
  ['DE München, English name', addr('Marienplatz 8', '80331', 'München', 'Germany'), ['80331', 'DE']],
  ['DE Köln, vehicle code D', addr('Heidestraße 17', '51147', 'Köln', 'D'), ['51147', 'DE']],
  ['DE old D- prefix', addr('Bayrische Straße 8', 'D-01069', 'Dresden', 'DE'), ['01069', 'DE']],
  ['DE Postfach is fine for letters', addr('Postfach 11 05 45', '10835', 'Berlin', 'DE'), ['10835', 'DE']],
  [
    'DE c/o line',
    addr('Hauptstraße 5', '04109', 'Leipzig', 'DE', { line2: 'c/o Musterfirma GmbH' }),
    ['04109', 'DE'],
  ],
  ['DE Frankfurt', addr('Kaiserstraße 2', '60311', 'Frankfurt am Main', 'deu'), ['60311', 'DE']],
  ['AT Wien', addr('Stephansplatz 3', '1010', 'Wien', 'Österreich'), ['1010', 'AT']],
  ['AT Salzburg', addr('Getreidegasse 9', '5020', 'Salzburg', 'AT'), ['5020', 'AT']],
  ['AT old A- prefix', addr('Maria-Theresien-Straße 18', 'A-6020', 'Innsbruck', 'Austria'), ['6020', 'AT']],
  ['CH Bern', addr('Bundesplatz 3', '3005', 'Bern', 'Schweiz'), ['3005', 'CH']],
  ['CH Zürich', addr('Bahnhofstrasse 45', '8001', 'Zürich', 'CH'), ['8001', 'CH']],
  ['CH old CH- prefix', addr('Rue du Rhône 48', 'CH-1204', 'Genève', 'Switzerland'), ['1204', 'CH']],
  ['FR Élysée', addr('55 Rue du Faubourg Saint-Honoré', '75008', 'Paris', 'France'), ['75008', 'FR']],
  ['FR Montpellier', addr('1 Place de la Comédie', '34000', 'Montpellier', 'FR'), ['34000', 'FR']],
  ['FR alpha-3', addr('20 Avenue de Ségur', '75007', 'Paris', 'FRA'), ['75007', 'FR']],
  ['FR Corsica', addr('1 Cours Napoléon', '20000', 'Ajaccio', 'Frankreich'), ['20000', 'FR']],
  ['GB Downing Street', addr('10 Downing Street', 'SW1A 2AA', 'London', 'UK'), ['SW1A 2AA', 'GB']],
  [
    'GB Buckingham Palace',
    addr('Buckingham Palace', 'SW1A 1AA', 'London', 'United Kingdom'),
    ['SW1A 1AA', 'GB'],
  ],
  ['GB postcode typed loosely', addr('10 Downing Street', 'sw1a2aa', 'London', 'GB'), ['SW1A 2AA', 'GB']],
  ['GB Baker Street', addr('221B Baker Street', 'NW1 6XE', 'London', 'England'), ['NW1 6XE', 'GB']],
  ['GB Edinburgh', addr('Castlehill', 'EH1 2NG', 'Edinburgh', 'Scotland'), ['EH1 2NG', 'GB']],
  ['GB Manchester M1', addr('1 Piccadilly Gardens', 'M1 1RG', 'Manchester', 'GB'), ['M1 1RG', 'GB']],
  [
    'US White House',
    addr('1600 Pennsylvania Avenue NW', '20500', 'Washington', 'USA', { region: 'DC' }),
    ['20500', 'US'],
  ],
  [
    'US ZIP+4',
    addr('350 Fifth Avenue', '10118-0110', 'New York', 'US', { region: 'NY' }),
    ['10118-0110', 'US'],
  ],
  [
    'US full name',
    addr('1 Infinite Loop', '95014', 'Cupertino', 'United States', { region: 'CA' }),
    ['95014', 'US'],
  ],
  [
    'US leading-zero ZIP',
    addr('24 Beacon Street', '02133', 'Boston', 'US', { region: 'MA' }),
    ['02133', 'US'],
  ],
  ['NL generic rule', addr('Dam 1', '1012 JS', 'Amsterdam', 'Niederlande'), ['1012 JS', 'NL']],
  ['IT generic rule', addr('Piazza del Colosseo 1', '00184', 'Roma', 'Italy'), ['00184', 'IT']],
  ['JP without postal code', addr('1-1 Chiyoda', null, 'Tokyo', 'Japan'), [null, 'JP']],
];

/** Expected issues, exactly. */
const invalid: [string, unknown, { path: string; message: string }[]][] = [
  [
    'DE postal code of 4 digits (leading zero lost)',
    addr('Georg-Treu-Platz 3', '1067', 'Dresden', 'DE'),
    [{ path: 'postalCode', message: 'expected 5 digits for DE, got "1067"' }],
  ],
  [
    'DE postal code as a number',
    addr('Georg-Treu-Platz 3', 1067 as unknown as string, 'Dresden', 'DE'),
    [
      { path: 'postalCode', message: 'expected text, got number' },
      { path: 'postalCode', message: 'required for DE' },
    ],
  ],
  [
    'DE without street',
    addr(null, '10557', 'Berlin', 'DE'),
    [{ path: 'line1', message: 'required (street and number)' }],
  ],
  [
    'DE without postal code',
    addr('Marienplatz 8', null, 'München', 'DE'),
    [{ path: 'postalCode', message: 'required for DE' }],
  ],
  ['DE without city', addr('Marienplatz 8', '80331', '  ', 'DE'), [{ path: 'city', message: 'required' }]],
  [
    'DE postal code 00… does not exist',
    addr('Marienplatz 8', '00331', 'München', 'DE'),
    [{ path: 'postalCode', message: 'expected 5 digits for DE, got "00331"' }],
  ],
  [
    'DE Packstation',
    addr('Packstation 123', '10115', 'Berlin', 'DE', { line2: '12345678' }),
    [{ path: 'line1', message: 'undeliverable: Packstation/Postfiliale addresses cannot receive letters' }],
  ],
  [
    'DE Packstation on line2',
    addr('12345678', '53113', 'Bonn', 'DE', { line2: 'Packstation 105' }),
    [{ path: 'line2', message: 'undeliverable: Packstation/Postfiliale addresses cannot receive letters' }],
  ],
  [
    'DE Postfiliale',
    addr('Postfiliale 502', '53113', 'Bonn', 'DE'),
    [{ path: 'line1', message: 'undeliverable: Packstation/Postfiliale addresses cannot receive letters' }],
  ],
  [
    'AT postal code of 5 digits',
    addr('Stephansplatz 3', '10100', 'Wien', 'AT'),
    [{ path: 'postalCode', message: 'expected 4 digits for AT, got "10100"' }],
  ],
  [
    'CH postal code starting with 0',
    addr('Bundesplatz 3', '0300', 'Bern', 'CH'),
    [{ path: 'postalCode', message: 'expected 4 digits for CH, got "0300"' }],
  ],
  [
    'AT without street',
    addr(null, '1010', 'Wien', 'AT'),
    [{ path: 'line1', message: 'required (street and number)' }],
  ],
  [
    'FR postal code of 4 digits',
    addr('55 Rue du Faubourg Saint-Honoré', '7508', 'Paris', 'FR'),
    [{ path: 'postalCode', message: 'expected 5 digits for FR, got "7508"' }],
  ],
  [
    'GB outward code only',
    addr('10 Downing Street', 'SW1A', 'London', 'GB'),
    [{ path: 'postalCode', message: 'expected a postcode like SW1A 2AA for GB, got "SW1A"' }],
  ],
  [
    'US ZIP of 4 digits',
    addr('1600 Pennsylvania Avenue NW', '2050', 'Washington', 'US', { region: 'DC' }),
    [{ path: 'postalCode', message: 'expected a ZIP code of 5 digits or 5+4 for US, got "2050"' }],
  ],
  [
    'US malformed ZIP+4',
    addr('350 Fifth Avenue', '10118-01', 'New York', 'US', { region: 'NY' }),
    [{ path: 'postalCode', message: 'expected a ZIP code of 5 digits or 5+4 for US, got "10118-01"' }],
  ],
  [
    'US without state',
    addr('1600 Pennsylvania Avenue NW', '20500', 'Washington', 'US'),
    [{ path: 'region', message: 'required for US' }],
  ],
  [
    'unknown country',
    addr('Dam 1', '1012', 'Atlantis City', 'Atlantis'),
    [{ path: 'country', message: 'unknown country "Atlantis"' }],
  ],
  [
    'missing country',
    addr('Marienplatz 8', '80331', 'München', null),
    [{ path: 'country', message: 'required' }],
  ],
  [
    'generic rule needs a city',
    addr('Piazza del Colosseo 1', '00184', null, 'IT'),
    [{ path: 'city', message: 'required' }],
  ],
  [
    'line longer than Lob accepts',
    addr(`Hauptstraße ${'1'.repeat(200)}`, '10557', 'Berlin', 'DE'),
    [{ path: 'line1', message: 'longer than 200 characters' }],
  ],
  [
    'empty object',
    {},
    [
      { path: 'country', message: 'required' },
      { path: 'line1', message: 'required (street and number)' },
      { path: 'city', message: 'required' },
    ],
  ],
  ['not an object', 'Marienplatz 8, 80331 München', [{ path: '', message: 'expected an address object' }]],
];

describe('validateAddress — real-world table', () => {
  it('has at least 40 cases', () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(40);
  });

  it.each(valid)('valid: %s', (_, input, [postalCode, country]) => {
    const result = validateAddress(input);
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ postalCode, country }) });
  });

  it.each(invalid)('invalid: %s', (_, input, issues) => {
    expect(validateAddress(input)).toEqual({ ok: false, issues });
  });

  it('keeps postal codes as text and trims the rest', () => {
    const result = validateAddress(addr('  Georg-Treu-Platz   3 ', ' 01067 ', ' Dresden ', ' de '));
    expect(result).toEqual({
      ok: true,
      value: {
        line1: 'Georg-Treu-Platz 3',
        line2: null,
        postalCode: '01067',
        city: 'Dresden',
        region: null,
        country: 'DE',
      },
    });
  });
});

describe('validateAddress — properties', () => {
  it('never throws, for arbitrary values and arbitrary objects', () => {
    const field = fc.oneof(fc.string(), fc.constant(null), fc.anything());
    const addressLike = fc.record(
      { line1: field, line2: field, postalCode: field, city: field, region: field, country: field },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.object(), addressLike), (input) => {
        const result = validateAddress(input);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts every 5-digit German code from 01000 to 99999 that is not 00…', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 99_999 }), (n) => {
        const postalCode = String(n).padStart(5, '0');
        expect(validateAddress(addr('Marienplatz 8', postalCode, 'München', 'DE')).ok).toBe(true);
      }),
    );
  });
});
