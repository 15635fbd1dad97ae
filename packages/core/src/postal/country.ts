// The library's plain entry: its Node entry (the package default) registers all 78 locales
// at import (≈7 MB resident); only English and German are needed here.
import countries from 'i18n-iso-countries/index.js';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { boundedCache } from '../memo/bounded.js';

// CRM country fields are free text in English or German (reference/direct-mail.md).
countries.registerLocale(en);
countries.registerLocale(de);

/**
 * Spellings seen in CRM data that the ISO name lists do not carry: German vehicle codes
 * ("D", "A"), ASCII transliterations ("Oesterreich") and the home nations of the UK.
 */
const ALIASES = new Map<string, string>(
  Object.entries({
    d: 'DE',
    brd: 'DE',
    'bundesrepublik deutschland': 'DE',
    'federal republic of germany': 'DE',
    a: 'AT',
    oesterreich: 'AT',
    osterreich: 'AT',
    'republik osterreich': 'AT',
    f: 'FR',
    schweiz: 'CH',
    suisse: 'CH',
    svizzera: 'CH',
    'confoederatio helvetica': 'CH',
    england: 'GB',
    scotland: 'GB',
    wales: 'GB',
    'northern ireland': 'GB',
    'great britain': 'GB',
    'u.k.': 'GB',
    'vereinigtes konigreich': 'GB',
    'united states': 'US',
    'u.s.a.': 'US',
    'u.s.': 'US',
    amerika: 'US',
    holland: 'NL',
  }),
);

const MAX_COUNTRY_TEXT = 100;

/**
 * Free-text country (English or German name, ISO alpha-2 or alpha-3 code, common
 * variants) to ISO 3166-1 alpha-2, or null when it cannot be told for sure. Never throws.
 *
 * @example
 * normalizeCountry('Deutschland'); // 'DE'
 * normalizeCountry('UK');          // 'GB'
 * normalizeCountry('Atlantis');    // null
 */
export function normalizeCountry(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  return text.length <= MAX_COUNTRY_TEXT ? normalized(text, () => lookUpCountry(text)) : lookUpCountry(text);
}

// A CRM's country field holds a handful of distinct spellings: each is looked up once (the
// library's name search lower-cases and compares every name of the locale: cpu-prof of the
// decision pipeline showed it per event).
const normalized = boundedCache<string | null>();

/** `normalizeCountry` without its cache (exported for the tests that compare the two). */
export function lookUpCountry(text: string): string | null {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '' || trimmed.length > MAX_COUNTRY_TEXT) return null;
  const upper = trimmed.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && countries.isValid(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper)) {
    const alpha2 = countries.alpha3ToAlpha2(upper);
    if (alpha2) return alpha2;
  }
  const key = trimmed.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  const alias = ALIASES.get(key);
  if (alias) return alias;
  return countries.getAlpha2Code(trimmed, 'en') ?? countries.getAlpha2Code(trimmed, 'de') ?? null;
}
