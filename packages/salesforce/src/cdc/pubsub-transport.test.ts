import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HookpostSalesforceError } from '../errors.js';
import { createPubSubTransport } from './pubsub-transport.js';

describe('createPubSubTransport', () => {
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
      });
      const error = await new Promise<unknown>((resolve, reject) => {
        transport
          .subscribe('/data/ContactChangeEvent', {
            start: { preset: 'CUSTOM', replayId: '18098160' },
            numRequested: 10,
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

  it('fails to connect with a typed error when the JWT login cannot be done', async () => {
    const transport = createPubSubTransport({
      auth: {
        type: 'jwt',
        clientId: 'cid',
        username: 'u@example.com',
        privateKey: 'not a key',
        loginUrl: 'http://127.0.0.1:9',
      },
    });
    const error = await transport
      .subscribe('/data/ChangeEvents', {
        start: { preset: 'LATEST' },
        numRequested: 1,
        onEvent: () => {},
        onError: () => {},
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookpostSalesforceError);
    expect(error).toMatchObject({ code: 'transport_failed' });
  });
});
