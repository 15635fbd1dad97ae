import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventIdFor, eventIdTime } from './event-id.js';

const MAX_TIME_MS = 36 ** 10 - 1;
const platform = fc.constantFrom('hubspot', 'salesforce', 'other');
const text = fc.string({ maxLength: 40 });
const timeMs = fc.integer({ min: 0, max: MAX_TIME_MS });

describe('eventIdFor', () => {
  it('gives the same inputs the same id, and the time back from a timed id', () => {
    fc.assert(
      fc.property(platform, text, text, timeMs, (p, account, key, at) => {
        const id = eventIdFor(p, account, key, at);
        expect(eventIdFor(p, account, key, at)).toBe(id);
        expect(id).toMatch(/^evt_[0-9a-z]{10}[A-Za-z0-9_-]{16}$/);
        expect(eventIdTime(id)).toBe(at);
        const plain = eventIdFor(p, account, key);
        expect(plain).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
        expect(eventIdTime(plain)).toBeNull();
      }),
    );
  });

  it('sorts the ids of one source by their time, as text (SQLite BINARY, byte order)', () => {
    fc.assert(
      fc.property(platform, text, text, text, timeMs, timeMs, (p, account, keyA, keyB, atA, atB) => {
        fc.pre(atA !== atB);
        const a = eventIdFor(p, account, keyA, atA);
        const b = eventIdFor(p, account, keyB, atB);
        expect(a < b).toBe(atA < atB);
      }),
    );
  });

  it('tells different keys apart at the same time', () => {
    fc.assert(
      fc.property(platform, text, text, text, timeMs, (p, account, keyA, keyB, at) => {
        fc.pre(keyA !== keyB);
        expect(eventIdFor(p, account, keyA, at)).not.toBe(eventIdFor(p, account, keyB, at));
      }),
    );
  });

  it('clamps times the prefix cannot hold, still the same for the same input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer({ min: -(2 ** 53), max: -1 }), fc.constant(2 ** 60)),
        (at) => {
          const id = eventIdFor('hubspot', '1', 'k', at);
          expect(id).toBe(eventIdFor('hubspot', '1', 'k', at));
          const back = eventIdTime(id);
          expect(back).not.toBeNull();
          expect(back).toBeGreaterThanOrEqual(0);
          expect(back).toBeLessThanOrEqual(MAX_TIME_MS);
        },
      ),
    );
  });

  it('keeps the plain id of before time-prefixed ids (stored events keep theirs, and are probed by it)', () => {
    // The value the 26-character formula (`evt_` + 22 base64url of SHA-256) gave before.
    expect(eventIdFor('hubspot', '62515', '1:12345:101:1564113600000')).toBe('evt_Q2I6tjOnwMR3JU34NEGNia');
  });
});
