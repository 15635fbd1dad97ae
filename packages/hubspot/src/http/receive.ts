import type { IncomingMessage } from 'node:http';
import { type SignatureFailureReason, type SignatureVersion, verifySignature } from '../signature/verify.js';
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
  | { ok: true; rawBody: Buffer; signatureVersion: SignatureVersion }
  | { ok: false; reason: SignatureFailureReason };

/** Reads the raw body and verifies HubSpot's signature over it: the part every receiver shares. */
export async function receiveSigned(req: IncomingMessage, options: ReceiveOptions): Promise<Received> {
  const rawBody = await readRawBody(req, options.maxBodyBytes);
  const result = verifySignature({
    method: req.method ?? 'POST',
    url: signedUrlOf(req, options.publicUrl),
    rawBody,
    headers: req.headers,
    clientSecrets: options.clientSecrets,
    allowLegacy: options.allowLegacy,
    ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
    ...(options.now === undefined ? {} : { now: options.now() }),
  });
  return result.ok ? { ok: true, rawBody, signatureVersion: result.version } : result;
}
