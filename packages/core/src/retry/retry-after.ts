/**
 * A `Retry-After` header as a delay in milliseconds from `now`: either delta-seconds
 * (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`); a date in the past is 0.
 * Null when the header is absent, empty or unreadable, so callers fall back to their own
 * back-off. Rule: RFC 9110 §10.2.3, https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 *
 * @example
 * parseRetryAfter('30', Date.now()); // 30_000
 * parseRetryAfter(null, Date.now()); // null
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
