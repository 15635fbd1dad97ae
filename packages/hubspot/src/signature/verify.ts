import { HookpostHubSpotError } from '../errors.js';
import { safeEqual } from './compare.js';
import type { HeaderBag } from './headers.js';
import {
  checkSignatureHeaders,
  DEFAULT_TOLERANCE_MS,
  type HeaderCheck,
  type SignatureFailureReason,
  type SignatureVersion,
} from './precheck.js';
import { computeV1, computeV2, computeV3, type RawBody } from './sign.js';
import { decodeV3Url } from './url.js';

export { DEFAULT_TOLERANCE_MS, type SignatureFailureReason, type SignatureVersion };

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
  /** Unix milliseconds (a number, not a function); injected for tests. */
  now?: number;
  toleranceMs?: number;
  /** Accept v1/v2 signatures when no v3 headers were sent. */
  allowLegacy?: boolean;
}

/**
 * Verifies a request from HubSpot: v3 when its headers are present (timestamp within
 * `toleranceMs` either way), else v2/v1 if `allowLegacy` (a timestamp header, when sent,
 * must be within the window too). Compares in constant time against every secret given.
 * Fails closed: a non-finite `now` or `toleranceMs` throws `invalid_options`.
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
  const checked = checkSignatureHeaders({
    headers: options.headers,
    now: options.now === undefined ? Date.now() : options.now,
    toleranceMs: options.toleranceMs ?? DEFAULT_TOLERANCE_MS,
    allowLegacy: options.allowLegacy ?? false,
  });
  if (!checked.ok) return checked;
  return verifyBody(checked, options, secrets);
}

/** The second half of `verifySignature`: the headers already passed `checkSignatureHeaders`. */
export function verifyBody(
  checked: Extract<HeaderCheck, { ok: true }>,
  options: Pick<VerifySignatureOptions, 'method' | 'url' | 'rawBody'>,
  secrets: readonly string[],
): VerifyResult {
  const { version, signature } = checked;
  const expected = (secret: string) => {
    if (version === 'v3') {
      const url = decodeV3Url(options.url);
      return computeV3(secret, options.method, url, options.rawBody, checked.timestamp ?? '');
    }
    return version === 'v1'
      ? computeV1(secret, options.rawBody)
      : computeV2(secret, options.method, options.url, options.rawBody);
  };
  const matches = secrets.some((secret) => safeEqual(expected(secret), signature));
  return matches ? { ok: true, version } : { ok: false, reason: 'mismatch' };
}
