import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadPubSubProto } from '../../cdc/pubsub-proto.js';
import { encodeReplayId } from '../../cdc/replay-id.js';
import { type CompiledSchema, compileSchema, fieldBitmaps } from './schemas.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './tls.js';

/** The Pub/Sub API's error code (trailer `error-code`) for a replay id it cannot resume from. */
export const REPLAY_ID_CORRUPTED = 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted';
const PRESET = { LATEST: 0, EARLIEST: 1, CUSTOM: 2 } as const;

/** One change to publish: names of compound children as `MailingAddress.City`. */
export interface FakeChange {
  entity: string;
  changeType: string;
  recordIds: readonly string[];
  /** Field values; compound fields as nested objects (`{ MailingAddress: { City: 'Köln' } }`). */
  values?: Record<string, unknown>;
  changedFields?: readonly string[];
  nulledFields?: readonly string[];
  diffFields?: readonly string[];
  changeOrigin?: string;
  commitTimestamp?: number;
  /** The transaction's key (random when absent) and the change's place in it (1 when absent). */
  transactionKey?: string;
  sequenceNumber?: number;
}

interface StoredEvent {
  replayId: bigint;
  entity: string;
  schemaId: string;
  payload: Buffer;
}

/** What a test can see of a Subscribe stream. */
export interface FakeSubscription {
  topic: string;
  preset: keyof typeof PRESET;
  replayId: string | null;
  /** Every `num_requested` the client sent, in order. */
  requested: number[];
  /** Events sent on this stream. */
  sent: number;
  open: boolean;
}

interface Stream {
  info: FakeSubscription;
  call: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>;
  position: number;
  pending: number;
}

const replayBytes = (id: bigint) => encodeReplayId(String(id));

function entityOfTopic(topic: string): string | null {
  if (topic === '/data/ChangeEvents') return null;
  const match = /^\/data\/(\w+?)ChangeEvent$/.exec(topic);
  if (!match?.[1]) throw new Error(`unknown topic ${topic}`);
  return match[1].replace(/__$/, '__c');
}

/**
 * A real gRPC server speaking Salesforce's Pub/Sub API (`eventbus.v1.PubSub`, from the
 * published `pubsub_api.proto`) over TLS with a self-signed certificate: `GetTopic`,
 * `GetSchema` and `Subscribe` with Avro payloads, replay presets LATEST/EARLIEST/CUSTOM,
 * flow control (only as many events as requested through `num_requested`), and faults a
 * test injects: `resetStreams()`, `expireBefore()` (an old replay id becomes invalid),
 * `corruptNextReplayId()`. Every RPC needs `accesstoken`, `instanceurl`, `tenantid` metadata.
 *
 * @example
 * const pubsub = await startFakePubSub();
 * const transport = createPubSubTransport({ auth: { type: 'accessToken', accessToken: '00D…!x', instanceUrl: 'https://x.my.salesforce.com' },
 *   pubSubEndpoint: pubsub.endpoint, rejectUnauthorizedSsl: false });
 * pubsub.publish({ entity: 'Contact', changeType: 'CREATE', recordIds: ['003…'], values: { Email: 'a@b.de' } });
 * await pubsub.stop();
 */
export async function startFakePubSub(options: { firstReplayId?: bigint } = {}) {
  const proto = loadPubSubProto();
  const schemas = new Map<string, CompiledSchema>();
  const schemaFor = (entity: string) => {
    let schema = schemas.get(entity);
    if (!schema) {
      schema = compileSchema(entity);
      schemas.set(entity, schema);
    }
    return schema;
  };
  const events: StoredEvent[] = [];
  const streams = new Set<Stream>();
  const subscriptions: FakeSubscription[] = [];
  let nextReplayId = options.firstReplayId ?? 1000n;
  let earliestRetained = 0n;
  let corruptNext = false;
  let commitNumber = 10_000_000n;

  const unauthenticated = (metadata: grpc.Metadata) =>
    ['accesstoken', 'instanceurl', 'tenantid'].some((key) => metadata.get(key).length === 0);
  const retained = () => events.filter((e) => e.replayId >= earliestRetained);

  function deliver(stream: Stream): void {
    const entity = entityOfTopic(stream.info.topic);
    const batch: StoredEvent[] = [];
    while (stream.pending > 0 && stream.position < events.length) {
      const event = events[stream.position] as StoredEvent;
      stream.position += 1;
      if (entity !== null && event.entity !== entity) continue;
      batch.push(event);
      stream.pending -= 1;
    }
    if (batch.length === 0 || !stream.info.open) return;
    stream.info.sent += batch.length;
    stream.call.write({
      events: batch.map((e) => ({
        event: { id: randomUUID(), schemaId: e.schemaId, payload: e.payload, headers: [] },
        replayId: replayBytes(e.replayId),
      })),
      latestReplayId: replayBytes(batch.at(-1)?.replayId ?? 0n),
      rpcId: randomUUID(),
      pendingNumRequested: stream.pending,
    });
  }

  function fail(stream: Stream, code: grpc.status, details: string, errorCode?: string): void {
    const metadata = new grpc.Metadata();
    if (errorCode) metadata.set('error-code', errorCode);
    stream.info.open = false;
    streams.delete(stream);
    stream.call.emit('error', { code, details, metadata });
  }

  function start(stream: Stream, request: Record<string, unknown>): void {
    const preset = String(request.replayPreset ?? 'LATEST') as keyof typeof PRESET;
    stream.info.preset = preset;
    if (preset === 'EARLIEST') {
      stream.position = events.findIndex((e) => e.replayId >= earliestRetained);
      if (stream.position < 0) stream.position = events.length;
    } else if (preset === 'CUSTOM') {
      const raw = request.replayId;
      const id = Buffer.isBuffer(raw) && raw.length === 8 ? raw.readBigUInt64BE() : null;
      stream.info.replayId = id === null ? null : String(id);
      const index = id === null ? -1 : events.findIndex((e) => e.replayId === id);
      const valid = id !== null && id >= earliestRetained && (index >= 0 || id < nextReplayId);
      if (corruptNext || !valid) {
        corruptNext = false;
        fail(stream, grpc.status.INVALID_ARGUMENT, 'The Replay ID validation failed.', REPLAY_ID_CORRUPTED);
        return;
      }
      stream.position = index >= 0 ? index + 1 : events.findIndex((e) => e.replayId > id);
      if (stream.position < 0) stream.position = events.length;
    } else {
      stream.position = events.length;
    }
  }

  const service: grpc.UntypedServiceImplementation = {
    GetTopic(
      call: grpc.ServerUnaryCall<{ topicName: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      if (unauthenticated(call.metadata)) return callback({ code: grpc.status.UNAUTHENTICATED });
      const topicName = call.request.topicName;
      try {
        const schema = schemaFor(entityOfTopic(topicName) ?? 'Contact');
        callback(null, {
          topicName,
          tenantGuid: 'fake',
          canPublish: false,
          canSubscribe: true,
          schemaId: schema.id,
          rpcId: randomUUID(),
        });
      } catch {
        callback({ code: grpc.status.NOT_FOUND, details: `topic ${topicName} does not exist` });
      }
    },
    GetSchema(
      call: grpc.ServerUnaryCall<{ schemaId: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      if (unauthenticated(call.metadata)) return callback({ code: grpc.status.UNAUTHENTICATED });
      const schema = [...schemas.values()].find((s) => s.id === call.request.schemaId);
      if (!schema) return callback({ code: grpc.status.NOT_FOUND, details: 'unknown schema id' });
      callback(null, { schemaJson: schema.json, schemaId: schema.id, rpcId: randomUUID() });
    },
    Subscribe(call: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>) {
      const info: FakeSubscription = {
        topic: '',
        preset: 'LATEST',
        replayId: null,
        requested: [],
        sent: 0,
        open: true,
      };
      const stream: Stream = { info, call, position: 0, pending: 0 };
      if (unauthenticated(call.metadata)) {
        call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'missing session metadata' });
        return;
      }
      call.on('data', (request: Record<string, unknown>) => {
        if (!info.open) return;
        if (info.topic === '') {
          info.topic = String(request.topicName ?? '');
          try {
            entityOfTopic(info.topic);
          } catch {
            return fail(stream, grpc.status.NOT_FOUND, `topic ${info.topic} does not exist`);
          }
          subscriptions.push(info);
          streams.add(stream);
          start(stream, request);
          if (!info.open) return;
        }
        const requested = Number(request.numRequested ?? 0);
        info.requested.push(requested);
        stream.pending += requested;
        deliver(stream);
      });
      const close = () => {
        info.open = false;
        streams.delete(stream);
      };
      call.on('end', () => {
        close();
        call.end();
      });
      call.on('cancelled', close);
      call.on('error', close);
    },
  };

  const server = new grpc.Server();
  server.addService(proto.PubSub.service, service);
  const credentials = grpc.ServerCredentials.createSsl(null, [
    { private_key: Buffer.from(TEST_TLS_KEY), cert_chain: Buffer.from(TEST_TLS_CERT) },
  ]);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  return {
    /** `host:port` for `pubSubEndpoint`. */
    endpoint: `127.0.0.1:${port}`,
    /** Every Subscribe stream opened so far, in order. */
    subscriptions: (): readonly FakeSubscription[] => subscriptions,
    openStreams: () => streams.size,
    /** Stores one change event (Avro-encoded) and sends it to streams that requested events. */
    publish(change: FakeChange): string {
      const schema = schemaFor(change.entity);
      const replayId = nextReplayId;
      nextReplayId += 7n; // replay ids are not contiguous
      commitNumber += 1n;
      const payload: Record<string, unknown> = {};
      for (const field of schema.fields.slice(1)) payload[field] = null;
      for (const [field, value] of Object.entries(change.values ?? {})) {
        const children = schema.children(field);
        payload[field] =
          children && value !== null
            ? Object.fromEntries(children.map((c) => [c, (value as Record<string, unknown>)[c] ?? null]))
            : value;
      }
      payload.ChangeEventHeader = {
        entityName: change.entity,
        recordIds: [...change.recordIds],
        changeType: change.changeType,
        changeOrigin: change.changeOrigin ?? 'com/salesforce/api/soap/62.0;client=SfdcInternalAPI/',
        transactionKey: change.transactionKey ?? randomUUID(),
        sequenceNumber: change.sequenceNumber ?? 1,
        commitTimestamp: change.commitTimestamp ?? Date.now(),
        commitNumber: Number(commitNumber),
        commitUser: '005000000000001AAA',
        nulledFields: fieldBitmaps(schema, change.nulledFields ?? []),
        diffFields: fieldBitmaps(schema, change.diffFields ?? []),
        changedFields: fieldBitmaps(schema, change.changedFields ?? []),
      };
      events.push({
        replayId,
        entity: change.entity,
        schemaId: schema.id,
        payload: schema.type.toBuffer(payload),
      });
      for (const stream of streams) deliver(stream);
      return String(replayId);
    },
    /** Ends every open Subscribe stream with UNAVAILABLE, as a dropped connection does. */
    resetStreams(): void {
      for (const stream of [...streams]) fail(stream, grpc.status.UNAVAILABLE, 'stream reset by the test');
    },
    /** Purges events before this replay id, as the 72-hour retention does. */
    expireBefore(replayId: string): void {
      earliestRetained = BigInt(replayId);
    },
    /** The next CUSTOM subscribe fails with the replay-id-corrupted error. */
    corruptNextReplayId(): void {
      corruptNext = true;
    },
    retainedCount: () => retained().length,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.info.open = false;
        server.forceShutdown();
        resolve();
      }),
  };
}

/** A running {@link startFakePubSub} server. */
export type FakePubSub = Awaited<ReturnType<typeof startFakePubSub>>;
