import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/**
 * `up` 200; `error` 503 to all; `closed` not listening (connection refused); `hang` reads
 * the request and never answers (the sender's timeout fires); `flap` 503 half the time.
 */
export type DestinationMode = 'up' | 'error' | 'closed' | 'hang' | 'flap';

export interface Hit {
  webhookId: string;
  /** The trigger's own id (`body.id`): must equal `webhookId`. */
  bodyId: string | null;
  campaignId: string | null;
  recipientId: string | null;
  verified: boolean;
  /** The answer; 0 when the request was left hanging. */
  status: number;
}

export interface Destination {
  url: string;
  hits: Hit[];
  /** Distinct `webhook-id`s answered 2xx. */
  deliveredIds(): Set<string>;
  setMode(mode: DestinationMode): Promise<void>;
  close(): Promise<void>;
}

export const isDelivered = (hit: Hit) => hit.status >= 200 && hit.status < 300;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

function describeBody(text: string): Pick<Hit, 'bodyId' | 'campaignId' | 'recipientId'> {
  try {
    const body = JSON.parse(text) as {
      id?: string;
      campaign?: { id?: string };
      recipient?: { crm?: { objectId?: string } };
    };
    return {
      bodyId: body.id ?? null,
      campaignId: body.campaign?.id ?? null,
      recipientId: body.recipient?.crm?.objectId ?? null,
    };
  } catch {
    return { bodyId: null, campaignId: null, recipientId: null };
  }
}

/**
 * The direct-mail platform for the crash runs: a real HTTP server on 127.0.0.1 that
 * verifies every Standard Webhooks signature and can be switched down, closed or flapping
 * while the connectors keep sending. Closing frees nothing else: it re-listens on its port.
 */
export async function startDestination(secret: string, random: () => number): Promise<Destination> {
  const webhook = new Webhook(secret);
  const hits: Hit[] = [];
  let mode: DestinationMode = 'up';
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
    if (mode === 'hang') {
      hits.push({ webhookId: String(req.headers['webhook-id']), ...describeBody(text), verified, status: 0 });
      return;
    }
    const failing = mode === 'error' || (mode === 'flap' && random() < 0.5);
    const status = failing ? 503 : 200;
    hits.push({ webhookId: String(req.headers['webhook-id']), ...describeBody(text), verified, status });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(failing ? { error: 'temporarily unavailable' } : { ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return {
    url: `http://127.0.0.1:${port}/triggers`,
    hits,
    deliveredIds: () => new Set(hits.filter(isDelivered).map((h) => h.webhookId)),
    async setMode(next) {
      if (next === mode) return;
      // Hung requests end when the sender gives up; leaving hang does not answer them.
      if (next === 'closed') await closeServer();
      else if (mode === 'closed')
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
      mode = next;
    },
    async close() {
      if (mode !== 'closed') await closeServer();
      mode = 'closed';
    },
  };
}
