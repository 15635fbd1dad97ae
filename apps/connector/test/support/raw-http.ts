import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent before closing. */
  response: string;
  /** Milliseconds from the first byte written until the server closed the socket. */
  closedAfterMs: number;
}

/**
 * Writes `head` and then only part of a body, and waits for the server to answer and
 * close — the stalled or hostile client a `fetch` cannot play. The socket is destroyed
 * after `giveUpMs` whatever happens, so a test never leaks it.
 */
export function stalledRequest(port: number, head: string, partialBody: string, giveUpMs: number) {
  return new Promise<RawExchange>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    let response = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after ${giveUpMs} ms`));
    }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ response, closedAfterMs: performance.now() - started });
    });
    socket.write(`${head}\r\n\r\n${partialBody}`);
  });
}

/** A request head with the given path verbatim (no URL normalisation, unlike fetch). */
export function requestHead(method: string, path: string, headers: Record<string, string>): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return lines.join('\r\n');
}

/** Sends one request with its path verbatim and a complete body; resolves with the status. */
export async function rawRequest(port: number, method: string, path: string, body: string): Promise<number> {
  const head = requestHead(method, path, {
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  });
  const { response } = await stalledRequest(port, head, body, 10_000);
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}
