import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HookpostSalesforceError } from '../errors.js';
import { createPubSubTransport } from './pubsub-transport.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('createPubSubTransport (salesforce-pubsub-api-client)', () => {
  it('reports a stream error through onError when the Pub/Sub endpoint does not speak gRPC', async () => {
    // A real local TCP server that closes every connection: the gRPC stream must fail.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const transport = createPubSubTransport({
        auth: {
          type: 'accessToken',
          accessToken: '00D5e000000KQ2e!token',
          instanceUrl: 'https://acme.my.salesforce.com',
        },
        pubSubEndpoint: `127.0.0.1:${port}`,
        logger: silent,
      });
      const error = await new Promise<unknown>((resolve, reject) => {
        transport
          .subscribe('/data/ContactChangeEvent', {
            replayId: '18098160',
            onEvent: () => reject(new Error('no event expected')),
            onError: resolve,
          })
          .then((subscription) => setTimeout(() => subscription.close(), 20_000).unref(), reject);
      });
      expect(error).toBeTruthy();
    } finally {
      server.close();
    }
  });

  it('fails to connect with a typed error for an invalid configuration', async () => {
    const transport = createPubSubTransport({
      auth: { type: 'accessToken', accessToken: 'x!y', instanceUrl: 'http://not-https.example' },
      logger: silent,
    });
    const error = await transport
      .subscribe('/data/ChangeEvents', { onEvent: () => {}, onError: () => {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookpostSalesforceError);
    expect(error).toMatchObject({ code: 'transport_failed' });
  });
});
