import { HookpostSalesforceError } from '../errors.js';
import type { CdcSubscribeHandlers, CdcSubscription, CdcTransport } from './transport.js';

/** How the Pub/Sub API client authenticates. */
export type PubSubAuth =
  | { type: 'jwt'; clientId: string; username: string; privateKey: string; loginUrl?: string }
  /** Reuse a session, e.g. `await salesforceClient.connection()`'s token and instance URL. */
  | { type: 'accessToken'; accessToken: string; instanceUrl: string; organizationId?: string };

/** The logger shape `salesforce-pubsub-api-client` accepts (pino fits). */
export interface PubSubLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Options of {@link createPubSubTransport}. */
export interface PubSubTransportOptions {
  auth: PubSubAuth;
  /** Default `api.pubsub.salesforce.com:7443`. */
  pubSubEndpoint?: string;
  /** The client logs every event at debug level; by default only warnings and errors are kept. */
  logger?: PubSubLogger;
}

const quietLogger: PubSubLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args) => console.warn('[salesforce-pubsub-api-client]', ...args),
  error: (...args) => console.error('[salesforce-pubsub-api-client]', ...args),
};

function configuration(options: PubSubTransportOptions) {
  const endpoint = options.pubSubEndpoint ? { pubSubEndpoint: options.pubSubEndpoint } : {};
  const { auth } = options;
  if (auth.type === 'jwt') {
    return {
      authType: 'oauth-jwt-bearer',
      loginUrl: auth.loginUrl ?? 'https://login.salesforce.com',
      clientId: auth.clientId,
      username: auth.username,
      privateKey: auth.privateKey,
      ...endpoint,
    };
  }
  return {
    authType: 'user-supplied',
    accessToken: auth.accessToken,
    instanceUrl: auth.instanceUrl,
    ...(auth.organizationId ? { organizationId: auth.organizationId } : {}),
    ...endpoint,
  };
}

/**
 * The live {@link CdcTransport}: Salesforce's gRPC Pub/Sub API through
 * `salesforce-pubsub-api-client` (preferred over CometD, whose replay of ids older than
 * 72 h fails silently). One client per subscription; the library is loaded on first use
 * so importing this package does not load gRPC.
 *
 * @example
 * const transport = createPubSubTransport({ auth: { type: 'jwt', clientId, username, privateKey } });
 */
export function createPubSubTransport(options: PubSubTransportOptions): CdcTransport {
  return {
    async subscribe(channel: string, handlers: CdcSubscribeHandlers): Promise<CdcSubscription> {
      const { default: PubSubApiClient } = await import('salesforce-pubsub-api-client');
      let client: InstanceType<typeof PubSubApiClient>;
      try {
        client = new PubSubApiClient(configuration(options), options.logger ?? quietLogger);
        await client.connect();
      } catch (cause) {
        throw new HookpostSalesforceError(
          'transport_failed',
          `could not connect to the Pub/Sub API for ${channel}`,
          { cause },
        );
      }
      let closing = false;
      const callback = (_info: unknown, callbackType: string, data?: unknown) => {
        if (callbackType === 'end' && !closing)
          handlers.onError(new Error(`Pub/Sub stream for ${channel} ended`));
        if (callbackType === 'event') {
          const event = data as { replayId: number | bigint; payload: unknown };
          handlers.onEvent({ replayId: event.replayId, payload: event.payload });
        } else if (callbackType === 'error') {
          handlers.onError(data);
        }
      };
      // numRequested `null`: the client keeps asking for more events, forever.
      if (handlers.replayId !== undefined) {
        client.subscribeFromReplayId(channel, callback, null, Number(handlers.replayId));
      } else {
        client.subscribe(channel, callback, null);
      }
      return {
        close: () => {
          closing = true;
          client.close();
        },
      };
    },
  };
}
