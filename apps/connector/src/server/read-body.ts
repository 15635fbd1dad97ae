import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';

/** Why a request body could not be read: `status` is the 4xx to answer with. */
export interface BodyProblem {
  status: 400 | 413;
  error: 'payload_too_large' | 'body_unavailable';
  message: string;
}

/**
 * The raw request bytes (signatures are checked over them), read with `raw-body`: refused
 * from Content-Length or as soon as `maxBodyBytes` is passed without buffering the rest
 * (413), and checked against Content-Length (400 for an aborted, truncated or wrongly sized
 * body). Never throws for bad input: returns the problem instead. The server's body
 * deadline (`HOOKPOST_BODY_TIMEOUT_MS`) bounds how long a slow body can take.
 *
 * @example
 * const body = await readRequestBody(req, config.server.maxBodyBytes);
 * if ('problem' in body) return res.status(body.problem.status).json(body.problem);
 */
export async function readRequestBody(
  req: IncomingMessage,
  maxBodyBytes: number,
): Promise<{ body: Buffer } | { problem: BodyProblem }> {
  if (req.readableEnded)
    return {
      problem: { status: 400, error: 'body_unavailable', message: 'the request body was already read' },
    };
  const declared = req.headers['content-length'];
  try {
    const body = await getRawBody(req, {
      limit: maxBodyBytes,
      ...(declared === undefined || req.headers['transfer-encoding'] ? {} : { length: declared }),
    });
    return { body };
  } catch (cause) {
    const type = (cause as { type?: unknown }).type;
    if (type === 'entity.too.large')
      return {
        problem: {
          status: 413,
          error: 'payload_too_large',
          message: `request body exceeds ${maxBodyBytes} bytes`,
        },
      };
    return {
      problem: {
        status: 400,
        error: 'body_unavailable',
        message: `the request body could not be read (${typeof type === 'string' ? type : 'stream error'})`,
      },
    };
  }
}
