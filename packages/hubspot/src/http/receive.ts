import type { IncomingMessage } from 'node:http';
import { checkSignatureHeaders, DEFAULT_TOLERANCE_MS } from '../signature/precheck.js';
import { type SignatureFailureReason, type SignatureVersion, verifyBody } from '../signature/verify.js';
import { readRawBody } from './read-body.js';
import { signedUrlOf } from './request-url.js';

export interface ReceiveOptions {
  clientSecrets: readonly string[];
  publicUrl: string;
  maxBodyBytes: number;
  toleranceMs: number | undefined;
  allowLegacy: boolean;
  now: (() => number) | undefined;
}

export type Received =
  | {
      ok: true;
      rawBody: Buffer;
      signatureVersion: SignatureVersion;
      signature: string;
      /** The validated timestamp header (always for v3), Unix ms. */
      timestampMs: number | undefined;
    }
  | { ok: false; reason: SignatureFailureReason; bodyRead: boolean };

/**
 * The part every receiver shares: checks the signature headers first (a request with
 * missing, malformed, stale or future headers is refused before its body is read), then
 * reads the raw body and verifies the signature over it.
 */
export async function receiveSigned(req: IncomingMessage, options: ReceiveOptions): Promise<Received> {
  const headers = checkSignatureHeaders({
    headers: req.headers,
    now: options.now ? options.now() : Date.now(),
    toleranceMs: options.toleranceMs ?? DEFAULT_TOLERANCE_MS,
    allowLegacy: options.allowLegacy,
  });
  if (!headers.ok) return { ...headers, bodyRead: false };
  const rawBody = await readRawBody(req, options.maxBodyBytes);
  const secrets = options.clientSecrets.filter((secret) => secret.length > 0);
  const method = req.method ?? 'POST';
  const result = verifyBody(headers, { method, url: signedUrlOf(req, options.publicUrl), rawBody }, secrets);
  if (!result.ok) return { ...result, bodyRead: true };
  return {
    ok: true,
    rawBody,
    signatureVersion: result.version,
    signature: headers.signature,
    timestampMs: headers.timestamp === undefined ? undefined : Number(headers.timestamp),
  };
}
