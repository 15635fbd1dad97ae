import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { HookpostSalesforceError } from '../errors.js';

/**
 * Reads the raw request body with `raw-body`: a declared `Content-Length` over the limit is
 * refused before reading, a chunked body as soon as it passes the limit (413).
 */
export async function readRawBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  try {
    return await getRawBody(req, {
      limit: maxBodyBytes,
      ...(declared !== undefined ? { length: declared } : {}),
    });
  } catch (cause) {
    req.resume(); // keep draining so the answer reaches the client
    if ((cause as { type?: unknown }).type === 'entity.too.large') {
      throw new HookpostSalesforceError(
        'body_too_large',
        `request body is larger than ${maxBodyBytes} bytes`,
      );
    }
    throw new HookpostSalesforceError('malformed_xml', 'request body could not be read', { cause });
  }
}
