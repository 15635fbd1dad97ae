import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookpostSalesforceError } from './errors.js';
import { canonicalSalesforceId, isSalesforceId, sameOrgId, toOrgId18 } from './org-id.js';

describe('toOrgId18', () => {
  it.each([
    ['00D5e000000KQ2e', '00D5e000000KQ2eEAG'],
    ['00Dxx0000001gPF', '00Dxx0000001gPFEAY'],
    ['00D90000000gNcm', '00D90000000gNcmEAE'],
    ['001000000000000', '001000000000000AAA'],
    ['ABCDEABCDEABCDE', 'ABCDEABCDEABCDE555'],
  ])('%s → %s', (id15, id18) => {
    expect(toOrgId18(id15)).toBe(id18);
  });

  it('returns an 18-character id unchanged', () => {
    expect(toOrgId18('00Dxx0000001gPFEAY')).toBe('00Dxx0000001gPFEAY');
  });

  it('rejects anything that is not a 15/18-character alphanumeric id', () => {
    for (const bad of ['', '00D', "00Dxx0000001gP'", '00Dxx0000001gPFEAYX', '00Dxx0000001gPFEA']) {
      expect(() => toOrgId18(bad)).toThrow(HookpostSalesforceError);
    }
  });
});

describe('sameOrgId', () => {
  it('matches 15 against 18 in both directions and ignores the suffix case', () => {
    expect(sameOrgId('00Dxx0000001gPF', '00Dxx0000001gPFEAY')).toBe(true);
    expect(sameOrgId('00Dxx0000001gPFEAY', '00Dxx0000001gPF')).toBe(true);
    expect(sameOrgId('00Dxx0000001gPFeay', '00Dxx0000001gPFEAY')).toBe(true);
  });

  it('treats ids differing only by case as different records', () => {
    expect(sameOrgId('00Dxx0000001gpf', '00Dxx0000001gPFEAY')).toBe(false);
    expect(sameOrgId('00Dxx0000001gPG', '00Dxx0000001gPF')).toBe(false);
  });

  it('compares 18-character ids case-insensitively (the org id in other letter case matches)', () => {
    expect(sameOrgId('00DXX0000001GPFEAY', '00Dxx0000001gPFEAY')).toBe(true);
    expect(sameOrgId('00dxx0000001gpfeay', '00Dxx0000001gPF')).toBe(true);
    expect(canonicalSalesforceId('00DXX0000001GPFEAY')).toBe('00Dxx0000001gPFEAY');
    expect(canonicalSalesforceId('00Dxx0000001gPF999')).toBeNull(); // 9 is no checksum character
  });

  it('any letter case of an 18-character id is the same record; a 15-character id only as given', () => {
    const id15 = fc.stringMatching(/^[a-zA-Z0-9]{15}$/);
    const flips = fc.array(fc.boolean(), { minLength: 18, maxLength: 18 });
    fc.assert(
      fc.property(id15, flips, (id, flip) => {
        const id18 = toOrgId18(id);
        const recased = [...id18].map((c, i) => (flip[i] ? c.toUpperCase() : c.toLowerCase())).join('');
        expect(sameOrgId(recased, id18)).toBe(true);
        expect(canonicalSalesforceId(recased)).toBe(id18);
        expect(sameOrgId(recased.slice(0, 15), id18)).toBe(recased.slice(0, 15) === id);
      }),
    );
  });

  it('never matches invalid ids', () => {
    expect(sameOrgId('', '')).toBe(false);
    expect(sameOrgId('not an id', 'not an id')).toBe(false);
  });

  it('is consistent with the checksum for any 15-character id', () => {
    const id15 = fc.stringMatching(/^[a-zA-Z0-9]{15}$/);
    fc.assert(
      fc.property(id15, (id) => {
        const id18 = toOrgId18(id);
        expect(isSalesforceId(id18)).toBe(true);
        expect(id18.startsWith(id)).toBe(true);
        expect(sameOrgId(id, id18)).toBe(true);
        expect(sameOrgId(id18.toLowerCase().slice(0, 15), id18)).toBe(id === id.toLowerCase());
      }),
    );
  });
});
