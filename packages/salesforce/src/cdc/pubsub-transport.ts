import type * as grpc from '@grpc/grpc-js';
import { createSession } from '../client/session.js';
import { HookpostSalesforceError } from '../errors.js';
import type { EventSchema } from './avro.js';
import { decodeReplayId, encodeReplayId } from './replay-id.js';
import type { CdcSubscribeHandlers, CdcSubscription, CdcTransport } from './transport.js';

/** How the Pub/Sub API client authenticates. */
export type PubSubAuth =
  | { type: 'jwt'; clientId: string; username: string; privateKey: string; loginUrl?: string }
  /** Reuse a session, e.g. `await salesforceClient.connection()`'s token and instance URL. */
  | { type: 'accessToken'; accessToken: string; instanceUrl: string; organizationId?: string };

/** Options of {@link createPubSubTransport}. */
export interface PubSubTransportOptions {
  auth: PubSubAuth;
  /** Default `api.pubsub.salesforce.com:7443`. */
  pubSubEndpoint?: string;
  /** `false` only for a local test server with a self-signed certificate. Default `true`. */
  rejectUnauthorizedSsl?: boolean;
  /** For the JWT login. Default `62.0`. */
  apiVersion?: string;
}

interface SessionInfo {
  accessToken: string;
  instanceUrl: string;
  tenantId: string;
}

type FetchResponse = {
  events?: { event?: { schemaId?: string; payload?: Buffer }; replayId?: Buffer }[];
};

const UNAUTHENTICATED = 16;

function sessionSource(options: PubSubTransportOptions) {
  const { auth } = options;
  if (auth.type === 'accessToken') {
    const tenantId = auth.organizationId ?? auth.accessToken.split('!')[0] ?? '';
    const info = { accessToken: auth.accessToken, instanceUrl: auth.instanceUrl, tenantId };
    return { get: async () => info, invalidate: () => {} };
  }
  const loginUrl = (auth.loginUrl ?? 'https://login.salesforce.com').replace(/\/+$/, '');
  const session = createSession({
    instanceUrl: loginUrl,
    loginUrl,
    apiVersion: options.apiVersion ?? '62.0',
    auth: { ...auth, type: 'jwt' },
  });
  return {
    async get(): Promise<SessionInfo> {
      const conn = await session.connection();
      return {
        accessToken: conn.accessToken ?? '',
        instanceUrl: conn.instanceUrl,
        tenantId: conn.accessToken?.split('!')[0] ?? '',
      };
    },
    invalidate: async () => {
      const conn = session.current();
      if (conn) session.invalidate(conn);
    },
  };
}

/**
 * The live {@link CdcTransport}: Salesforce's gRPC Pub/Sub API (`Subscribe`, `GetSchema`)
 * from the published `pubsub_api.proto`, with `@grpc/grpc-js` and Avro decoding by `avsc`.
 * Authentication metadata `accesstoken`, `instanceurl`, `tenantid`; JWT bearer sessions come
 * from the package's jsforce session (one token request for all callers). Field bitmaps in
 * `changedFields`/`nulledFields`/`diffFields` are decoded to names. gRPC is loaded on first
 * use, so importing this package does not load it.
 * Source: https://developer.salesforce.com/docs/platform/pub-sub-api/guide/intro.html
 *
 * @example
 * const transport = createPubSubTransport({ auth: { type: 'jwt', clientId, username, privateKey } });
 */
export function createPubSubTransport(options: PubSubTransportOptions): CdcTransport {
  const session = sessionSource(options);
  const schemas = new Map<string, Promise<EventSchema>>();
  let client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  let current: SessionInfo | null = null;
  // avsc and gRPC load on the first subscription, not with the package: most processes
  // (outbound messages only, no Change Data Capture) never need them.
  let avro: typeof import('./avro.js');

  async function connect() {
    if (client) return client;
    const grpcJs = await import('@grpc/grpc-js');
    const { loadPubSubProto } = await import('./pubsub-proto.js');
    avro = await import('./avro.js');
    const credentials = grpcJs.credentials.combineChannelCredentials(
      grpcJs.credentials.createSsl(null, null, null, {
        rejectUnauthorized: options.rejectUnauthorizedSsl !== false,
      }),
      grpcJs.credentials.createFromMetadataGenerator((_params, callback) => {
        const metadata = new grpcJs.Metadata();
        metadata.set('accesstoken', current?.accessToken ?? '');
        metadata.set('instanceurl', current?.instanceUrl ?? '');
        metadata.set('tenantid', current?.tenantId ?? '');
        callback(null, metadata);
      }),
    );
    const { PubSub } = loadPubSubProto();
    client = new PubSub(
      options.pubSubEndpoint ?? 'api.pubsub.salesforce.com:7443',
      credentials,
    ) as typeof client;
    return client;
  }

  function schemaOf(id: string): Promise<EventSchema> {
    let schema = schemas.get(id);
    if (!schema) {
      schema = new Promise<EventSchema>((resolve, reject) => {
        client.GetSchema?.({ schemaId: id }, (error: Error | null, info: { schemaJson: string }) =>
          error ? reject(error) : resolve(avro.parseEventSchema(info.schemaJson)),
        );
      });
      schema.catch(() => schemas.delete(id));
      schemas.set(id, schema);
    }
    return schema;
  }

  return {
    async subscribe(channel: string, handlers: CdcSubscribeHandlers): Promise<CdcSubscription> {
      try {
        current = await session.get();
        await connect();
      } catch (cause) {
        throw new HookpostSalesforceError(
          'transport_failed',
          `could not connect to the Pub/Sub API for ${channel}`,
          { cause },
        );
      }
      const call = client.Subscribe?.() as grpc.ClientDuplexStream<Record<string, unknown>, FetchResponse>;
      let done = false;
      let order: Promise<void> = Promise.resolve(); // schema fetches must not reorder events
      const fail = (error: unknown) => {
        if (done) return;
        done = true;
        if ((error as { code?: unknown }).code === UNAUTHENTICATED) void session.invalidate();
        call.cancel();
        handlers.onError(error);
      };
      call.on('data', (response: FetchResponse) => {
        for (const consumed of response.events ?? []) {
          order = order
            .then(async () => {
              const schema = await schemaOf(consumed.event?.schemaId ?? '');
              if (done) return;
              const replayId = decodeReplayId(consumed.replayId ?? Buffer.alloc(0));
              handlers.onEvent({
                replayId,
                payload: avro.decodeEvent(schema, consumed.event?.payload ?? Buffer.alloc(0)),
              });
            })
            .catch(fail);
        }
      });
      call.on('error', fail);
      call.on('end', () => fail(new Error(`Pub/Sub stream for ${channel} ended`)));
      const { start } = handlers;
      call.write({
        topicName: channel,
        replayPreset: start.preset,
        ...(start.preset === 'CUSTOM' ? { replayId: encodeReplayId(start.replayId) } : {}),
        numRequested: handlers.numRequested,
      });
      return {
        request: (count) => {
          if (!done) call.write({ topicName: channel, numRequested: count });
        },
        close: () => {
          done = true;
          call.cancel();
        },
      };
    },
  };
}
