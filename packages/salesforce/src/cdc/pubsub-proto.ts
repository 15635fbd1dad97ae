import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// Salesforce's published pubsub_api.proto, vendored unchanged in proto/ (src/cdc and
// dist/cdc are both two levels below the package root).
const PROTO_PATH = fileURLToPath(new URL('../../proto/pubsub_api.proto', import.meta.url));

/** The `eventbus.v1.PubSub` service: client constructor and service definition. */
export interface PubSubProto {
  PubSub: grpc.ServiceClientConstructor;
}

let loaded: PubSubProto | null = null;

/** Loads the Pub/Sub API definition once (bytes as Buffers, enums as names, camelCase fields). */
export function loadPubSubProto(): PubSubProto {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync(PROTO_PATH, { longs: String, enums: String, defaults: true });
  const root = grpc.loadPackageDefinition(definition) as unknown as { eventbus: { v1: PubSubProto } };
  loaded = root.eventbus.v1;
  return loaded;
}
