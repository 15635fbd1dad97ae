import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { HookpostHubSpotError } from '../errors.js';

/** Fields other middleware may already have put on the request. */
interface RequestWithBody extends IncomingMessage {
  rawBody?: unknown;
  body?: unknown;
}

/**
 * The raw request bytes, needed for signature checks. Uses `req.rawBody` or a Buffer
 * `req.body` when a framework already read the stream; otherwise reads it with `raw-body`,
 * which refuses from Content-Length or as soon as `maxBodyBytes` is passed without
 * buffering the rest, and checks the bytes received against Content-Length.
 * Throws `payload_too_large` (413) or `body_unavailable` (400: aborted, truncated or
 * wrongly sized body; 500: the stream was already consumed by another parser).
 *
 * @example
 * const rawBody = await readRawBody(req, 1_000_000); // Buffer, exactly as signed
 */
export async function readRawBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const existing = alreadyRead(req as RequestWithBody);
  if (existing) {
    if (existing.length > maxBodyBytes) throw tooLarge(maxBodyBytes);
    return existing;
  }
  if (req.readableEnded) {
    throw new HookpostHubSpotError(
      'body_unavailable',
      'the request body was already consumed: mount this middleware before body parsers or keep req.rawBody',
    );
  }
  const declared = req.headers['content-length'];
  try {
    return await getRawBody(req, {
      limit: maxBodyBytes,
      ...(declared === undefined || req.headers['transfer-encoding'] ? {} : { length: declared }),
    });
  } catch (cause) {
    const type = (cause as { type?: unknown }).type;
    if (type === 'entity.too.large') throw tooLarge(maxBodyBytes);
    throw new HookpostHubSpotError(
      'body_unavailable',
      `the request body could not be read (${typeof type === 'string' ? type : 'stream error'})`,
      { status: 400, cause },
    );
  }
}

function alreadyRead(req: RequestWithBody): Buffer | undefined {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (typeof req.rawBody === 'string') return Buffer.from(req.rawBody, 'utf8');
  if (Buffer.isBuffer(req.body)) return req.body;
  return undefined;
}

function tooLarge(maxBodyBytes: number): HookpostHubSpotError {
  return new HookpostHubSpotError('payload_too_large', `request body exceeds ${maxBodyBytes} bytes`);
}
