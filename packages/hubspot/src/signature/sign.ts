import { createHash, createHmac } from 'node:crypto';
import { decodeV3Url } from './url.js';

/** A raw request body exactly as received: sign bytes, never re-serialised JSON. */
export type RawBody = string | Uint8Array;

/** v1: SHA-256 (not HMAC) of `clientSecret + rawBody`, lower-case hex. */
export function computeV1(secret: string, rawBody: RawBody): string {
  return createHash('sha256').update(secret).update(rawBody).digest('hex');
}

/** v2: SHA-256 of `clientSecret + METHOD + url + rawBody`, lower-case hex. */
export function computeV2(secret: string, method: string, url: string, rawBody: RawBody): string {
  return createHash('sha256')
    .update(secret)
    .update(method.toUpperCase())
    .update(url)
    .update(rawBody)
    .digest('hex');
}

/**
 * v3: HMAC-SHA256 keyed by the client secret over `METHOD + url + rawBody + timestamp`,
 * standard base64. `url` must already be the decoded form (see `decodeV3Url`).
 */
export function computeV3(
  secret: string,
  method: string,
  url: string,
  rawBody: RawBody,
  timestamp: string,
): string {
  return createHmac('sha256', secret)
    .update(method.toUpperCase())
    .update(url)
    .update(rawBody)
    .update(timestamp)
    .digest('base64');
}

export interface SignRequestV3Options {
  clientSecret: string;
  method: string;
  /** The absolute URL the request is sent to, as HubSpot would call it. */
  url: string;
  body: RawBody;
  /** Unix milliseconds; defaults to now. */
  timestamp?: number;
}

/** Headers HubSpot sends with a v3-signed request (Node lower-cases incoming names). A type alias, so it fits header records. */
export type SignedV3Headers = {
  'x-hubspot-signature-v3': string;
  'x-hubspot-request-timestamp': string;
};

/**
 * Signs a request the way HubSpot does (v3), e.g. to simulate a delivery against a connector.
 *
 * @example
 * const headers = signRequestV3({ clientSecret, method: 'POST', url: 'https://hooks.example.com/webhooks/hubspot', body });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
export function signRequestV3(options: SignRequestV3Options): SignedV3Headers {
  const timestamp = String(options.timestamp ?? Date.now());
  const signature = computeV3(
    options.clientSecret,
    options.method,
    decodeV3Url(options.url),
    options.body,
    timestamp,
  );
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}
