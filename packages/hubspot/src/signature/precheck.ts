import { HookpostHubSpotError } from '../errors.js';
import { type HeaderBag, readHeader } from './headers.js';

/** HubSpot rejects nothing for us: requests older than 5 minutes must be refused by the receiver. */
export const DEFAULT_TOLERANCE_MS = 300_000;

export type SignatureVersion = 'v1' | 'v2' | 'v3';

/** Why a request was refused; closed so a receiver can log and count it. */
export type SignatureFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'mismatch'
  | 'legacy_disabled'
  | 'unsupported_version'
  | 'replayed';

/** What the headers alone say, before any body byte is read. */
export type HeaderCheck =
  | {
      ok: true;
      version: SignatureVersion;
      signature: string;
      /** The timestamp header as sent (v3: always; v1/v2: when present), validated. */
      timestamp: string | undefined;
    }
  | { ok: false; reason: SignatureFailureReason };

export interface HeaderCheckOptions {
  headers: HeaderBag;
  /** Unix milliseconds; must be a finite number (a function or NaN is refused loudly). */
  now: number;
  toleranceMs: number;
  allowLegacy: boolean;
}

// v3: standard base64 of an HMAC-SHA256 (32 bytes); v1/v2: hex of a SHA-256.
const V3_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;
const LEGACY_SIGNATURE = /^[0-9a-fA-F]{64}$/;
// Unix milliseconds; 16 digits reach past the last valid Date (8.64e15) and stay exact.
const TIMESTAMP = /^\d{1,16}$/;

/**
 * Checks the signature headers without the body, so a receiver refuses a request whose
 * signature is missing, malformed, stale or from the future before reading (and
 * buffering) its body. Time checks fail closed: a non-finite age is never "within"
 * the tolerance. Throws `invalid_options` when `now` or `toleranceMs` is not a finite number.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 *
 * @example
 * checkSignatureHeaders({ headers: req.headers, now: Date.now(), toleranceMs: 300_000, allowLegacy: false });
 * // { ok: true, version: 'v3', signature: '…', timestamp: '1764237600000' } or { ok: false, reason: 'stale_timestamp' }
 */
export function checkSignatureHeaders(options: HeaderCheckOptions): HeaderCheck {
  assertFiniteTime(options.now, options.toleranceMs);
  const v3 = readHeader(options.headers, 'x-hubspot-signature-v3');
  const timestamp = readHeader(options.headers, 'x-hubspot-request-timestamp');
  if (v3 !== undefined) {
    if (timestamp === undefined) return { ok: false, reason: 'missing_timestamp' };
    const window = checkTimestamp(timestamp, options);
    if (window) return { ok: false, reason: window };
    if (!V3_SIGNATURE.test(v3)) return { ok: false, reason: 'malformed_signature' };
    return { ok: true, version: 'v3', signature: v3, timestamp };
  }
  const legacy = readHeader(options.headers, 'x-hubspot-signature');
  if (legacy === undefined) return { ok: false, reason: 'missing_signature' };
  if (!options.allowLegacy) return { ok: false, reason: 'legacy_disabled' };
  const version = readHeader(options.headers, 'x-hubspot-signature-version')?.toLowerCase();
  if (version !== 'v1' && version !== 'v2') return { ok: false, reason: 'unsupported_version' };
  if (!LEGACY_SIGNATURE.test(legacy)) return { ok: false, reason: 'malformed_signature' };
  // Not signed in v1/v2, but when sent it must still be sane and recent: a captured
  // request cannot be backdated to 1970 or dated past the last valid Date.
  if (timestamp !== undefined) {
    const window = checkTimestamp(timestamp, options);
    if (window) return { ok: false, reason: window };
  }
  return { ok: true, version, signature: legacy.toLowerCase(), timestamp };
}

function checkTimestamp(
  timestamp: string,
  options: HeaderCheckOptions,
): 'invalid_timestamp' | 'stale_timestamp' | 'future_timestamp' | null {
  if (!TIMESTAMP.test(timestamp)) return 'invalid_timestamp';
  const ageMs = options.now - Number(timestamp);
  // Negated comparisons: NaN fails them all, so a broken clock refuses, never accepts.
  if (!(ageMs <= options.toleranceMs)) return ageMs < 0 ? 'future_timestamp' : 'stale_timestamp';
  if (!(-ageMs <= options.toleranceMs)) return 'future_timestamp';
  return null;
}

function assertFiniteTime(now: unknown, toleranceMs: unknown): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new HookpostHubSpotError('invalid_options', 'now must be a finite number of Unix milliseconds');
  }
  if (typeof toleranceMs !== 'number' || !Number.isFinite(toleranceMs) || toleranceMs < 0) {
    throw new HookpostHubSpotError('invalid_options', 'toleranceMs must be a finite, non-negative number');
  }
}
