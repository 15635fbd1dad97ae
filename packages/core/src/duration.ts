/**
 * ISO-8601 durations (`P2D`, `PT5S`, `PT1H30M`) to milliseconds.
 * Hand-written on purpose: config only needs days/hours/minutes/seconds (no months or
 * years, whose length depends on the calendar), and a regex is smaller than a dependency.
 */
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Returns the duration in ms, or null when the text is not a supported ISO-8601 duration.
 *
 * @example
 * parseDurationMs('PT10S'); // 10_000
 */
export function parseDurationMs(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, weeks, days, hours, minutes, seconds] = match;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  return ((((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60 + n(seconds)) * 1000;
}
