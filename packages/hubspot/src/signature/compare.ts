import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. `timingSafeEqual` throws on different lengths, and a
 * length difference reveals nothing secret (all signatures of one version share a length).
 */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
