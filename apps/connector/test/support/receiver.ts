import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedTrigger {
  webhookId: string;
  body: Record<string, unknown>;
  verified: boolean;
  status: number;
}

export interface Receiver {
  url: string;
  received: ReceivedTrigger[];
  /** Answers for the next requests, in order (then 200). */
  respondWith(...statuses: number[]): void;
  /** Answer every request with this status from now on (null: 200). */
  always(status: number | null): void;
  distinctIds(): Set<string>;
  waitFor(predicate: (received: ReceivedTrigger[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The direct-mail platform in tests: a real HTTP server that verifies each trigger's
 * Standard Webhooks signature with the `standardwebhooks` package, as a user would.
 */
export async function startReceiver(secret: string): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const received: ReceivedTrigger[] = [];
  const queue: number[] = [];
  let fixed: number | null = null;
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => resolve(text));
    });
  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    let verified = false;
    try {
      webhook.verify(text, {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      });
      verified = true;
    } catch {
      verified = false;
    }
    const status = fixed ?? queue.shift() ?? 200;
    received.push({ webhookId: String(req.headers['webhook-id']), body: JSON.parse(text), verified, status });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status < 300 ? { ok: true } : { error: `status ${status}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/triggers`,
    received,
    respondWith: (...statuses) => queue.push(...statuses),
    always: (status) => {
      fixed = status;
    },
    distinctIds: () => new Set(received.filter((r) => r.status < 300).map((r) => r.webhookId)),
    async waitFor(predicate, timeoutMs = 15_000) {
      const started = Date.now();
      while (!predicate(received)) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`receiver: condition not met after ${timeoutMs} ms (${received.length} received)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
