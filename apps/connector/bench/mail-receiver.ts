import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyTrigger } from '@hookpost/core';

export interface MailReceiver {
  url: string;
  /** Arrival time (`performance.now()`, ms) of the first verified trigger naming each event id. */
  arrivals: Map<string, number>;
  /** Requests whose signature or payload did not verify. */
  rejected: number;
  close(): Promise<void>;
}

/**
 * A small direct-mail platform on 127.0.0.1: verifies each signed campaign trigger
 * (Standard Webhooks) and records when it arrived, per event id in `source.eventIds`.
 */
export async function startMailReceiver(secret: string): Promise<MailReceiver> {
  const arrivals = new Map<string, number>();
  const receiver = { rejected: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const trigger = verifyTrigger(Buffer.concat(chunks), req.headers, secret);
        for (const id of trigger.source.eventIds) if (!arrivals.has(id)) arrivals.set(id, at);
        res.writeHead(202).end();
      } catch {
        receiver.rejected += 1;
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/triggers`,
    arrivals,
    get rejected() {
      return receiver.rejected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
