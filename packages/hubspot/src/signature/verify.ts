import { HookpostHubSpotError } from '../errors.js';
import { safeEqual } from './compare.js';
import { type HeaderBag, readHeader } from './headers.js';
import { computeV1, computeV2, computeV3, type RawBody } from './sign.js';
import { decodeV3Url } from './url.js';

/** HubSpot rejects nothing for us: requests older than 5 minutes must be refused by the receiver. */
export const DEFAULT_TOLERANCE_MS = 300_000;

export type SignatureVersion = 'v1' | 'v2' | 'v3';

/** Why a request was refused; closed so a receiver can log and count it. */
export type SignatureFailureReason =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'mismatch'
  | 'legacy_disabled'
  | 'unsupported_version';

export type VerifyResult =
  | { ok: true; version: SignatureVersion }
  | { ok: false; reason: SignatureFailureReason };

export interface VerifySignatureOptions {
  method: string;
  /** The absolute URL HubSpot called: the configured public URL + the request's path and query. */
  url: string;
  rawBody: RawBody;
  headers: HeaderBag;
  /** Current secret first; add the previous one while rotating. */
  clientSecrets: readonly string[];
  /** Unix milliseconds; injected for tests. */
  now?: number;
  toleranceMs?: number;
  /** Accept v1/v2 signatures when no v3 headers were sent. */
  allowLegacy?: boolean;
}

/**
 * Verifies a request from HubSpot: v3 when its headers are present (timestamp within
 * `toleranceMs` either way), else v2/v1 if `allowLegacy`. Compares in constant time against
 * every secret given.
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 *
 * @example
 * const result = verifySignature({ method: 'POST', url: 'https://hooks.example.com/webhooks/hubspot',
 *   rawBody, headers: req.headers, clientSecrets: [process.env.HUBSPOT_CLIENT_SECRET!] });
 * if (!result.ok) return res.writeHead(401).end(result.reason);
 */
export function verifySignature(options: VerifySignatureOptions): VerifyResult {
  const secrets = options.clientSecrets.filter((secret) => secret.length > 0);
  if (secrets.length === 0) {
    throw new HookpostHubSpotError('invalid_options', 'clientSecrets is empty: pass the app client secret');
  }
  const v3 = readHeader(options.headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) return verifyV3(options, secrets, v3);
  const legacy = readHeader(options.headers, 'x-hubspot-signature');
  if (legacy === undefined) return { ok: false, reason: 'missing_signature' };
  if (!options.allowLegacy) return { ok: false, reason: 'legacy_disabled' };
  return verifyLegacy(options, secrets, legacy);
}

function verifyV3(
  options: VerifySignatureOptions,
  secrets: readonly string[],
  signature: string,
): VerifyResult {
  const timestamp = readHeader(options.headers, 'x-hubspot-request-timestamp');
  if (timestamp === undefined) return { ok: false, reason: 'missing_timestamp' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'invalid_timestamp' };
  const ageMs = (options.now ?? Date.now()) - Number(timestamp);
  const toleranceMs = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  if (ageMs > toleranceMs) return { ok: false, reason: 'stale_timestamp' };
  if (-ageMs > toleranceMs) return { ok: false, reason: 'future_timestamp' };
  const url = decodeV3Url(options.url);
  const matches = secrets.some((secret) =>
    safeEqual(computeV3(secret, options.method, url, options.rawBody, timestamp), signature),
  );
  return matches ? { ok: true, version: 'v3' } : { ok: false, reason: 'mismatch' };
}

function verifyLegacy(
  options: VerifySignatureOptions,
  secrets: readonly string[],
  signature: string,
): VerifyResult {
  const version = readHeader(options.headers, 'x-hubspot-signature-version')?.toLowerCase();
  if (version !== 'v1' && version !== 'v2') return { ok: false, reason: 'unsupported_version' };
  const expected = (secret: string) =>
    version === 'v1'
      ? computeV1(secret, options.rawBody)
      : computeV2(secret, options.method, options.url, options.rawBody);
  const received = signature.toLowerCase();
  const matches = secrets.some((secret) => safeEqual(expected(secret), received));
  return matches ? { ok: true, version } : { ok: false, reason: 'mismatch' };
}
