import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['PT5S', 5_000],
    ['PT1H', 3_600_000],
    ['PT24H', 86_400_000],
    ['P2D', 172_800_000],
    ['P1W', 604_800_000],
    ['PT1H30M', 5_400_000],
    ['PT0.5S', 500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '5S', 'P1M2', 'P1Y', 'PT-5S', 'two days'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeNull();
  });
});
