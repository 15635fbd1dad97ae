import type { IncomingMessage } from 'node:http';
import { HookpostSalesforceError } from '../errors.js';

const tooLarge = (maxBodyBytes: number) =>
  new HookpostSalesforceError('body_too_large', `request body is larger than ${maxBodyBytes} bytes`);

/**
 * Reads the raw request body, refusing a declared `Content-Length` over the limit before
 * reading anything and stopping a chunked body as soon as it passes the limit.
 */
export function readRawBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return Promise.reject(tooLarge(maxBodyBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        cleanup();
        req.resume(); // keep draining so the 413 answer reaches the client
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
      reject(new HookpostSalesforceError('malformed_xml', 'request body could not be read', { cause }));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
