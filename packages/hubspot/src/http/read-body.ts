import type { IncomingMessage } from 'node:http';
import { HookpostHubSpotError } from '../errors.js';

/** Fields other middleware may already have put on the request. */
interface RequestWithBody extends IncomingMessage {
  rawBody?: unknown;
  body?: unknown;
}

/**
 * The raw request bytes, needed for signature checks. Uses `req.rawBody` or a Buffer
 * `req.body` when a framework already read the stream; otherwise reads it, refusing
 * (413) from Content-Length or as soon as `maxBodyBytes` is passed, without buffering the rest.
 */
export async function readRawBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const existing = alreadyRead(req as RequestWithBody);
  if (existing) return checkSize(existing, maxBodyBytes);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  if (req.readableEnded) {
    throw new HookpostHubSpotError(
      'body_unavailable',
      'the request body was already consumed: mount this middleware before body parsers or keep req.rawBody',
    );
  }
  return collect(req, maxBodyBytes);
}

function alreadyRead(req: RequestWithBody): Buffer | undefined {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (typeof req.rawBody === 'string') return Buffer.from(req.rawBody, 'utf8');
  if (Buffer.isBuffer(req.body)) return req.body;
  return undefined;
}

function checkSize(body: Buffer, maxBodyBytes: number): Buffer {
  if (body.length > maxBodyBytes) throw tooLarge(maxBodyBytes);
  return body;
}

function collect(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        cleanup();
        // Stop reading: Node discards the rest when the response ends (we answer with Connection: close).
        req.pause();
        reject(tooLarge(maxBodyBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (cause: Error) => {
      cleanup();
      reject(
        new HookpostHubSpotError('body_unavailable', 'the request body could not be read', {
          status: 400,
          cause,
        }),
      );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBodyBytes: number): HookpostHubSpotError {
  return new HookpostHubSpotError('payload_too_large', `request body exceeds ${maxBodyBytes} bytes`);
}
