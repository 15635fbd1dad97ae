import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CrmEvent } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import type { MalformedItem } from '../events/malformed.js';
import { parseWebhookDelivery } from '../events/parse.js';
import type { SignatureVersion } from '../signature/verify.js';
import { receiveSigned } from './receive.js';
import { sendError, sendRefusal, sendUnavailable } from './respond.js';

/** A webhook delivery is small (≤ 100 events); 1 MB leaves ample room. */
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

export interface DeliveryContext {
  rawBody: Buffer;
  /** `rawBody` decoded as UTF-8 (decoded once, for parsing and for storing). */
  bodyText: string;
  signatureVersion: SignatureVersion;
  /** Items of the delivery that are not readable events: store them, the delivery is still acknowledged. */
  malformed: MalformedItem[];
}

export interface WebhookMiddlewareOptions {
  clientSecrets: readonly string[];
  /** Public base URL HubSpot calls, e.g. `https://hooks.example.com` (the request path is appended). */
  publicUrl: string;
  /** The durable write: the request is acknowledged only after this resolves. */
  onEvents: (events: CrmEvent[], context: DeliveryContext) => Promise<void>;
  maxBodyBytes?: number;
  toleranceMs?: number;
  allowLegacy?: boolean;
  now?: () => number;
  /** Told about failures answered with 5xx (e.g. `onEvents` threw), for logging. */
  onError?: (error: unknown) => void;
}

export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/**
 * A Node/Express 5 handler for HubSpot webhook deliveries: checks the signature headers
 * (refusing before the body is read when they are missing, malformed, stale or future),
 * reads the raw body, verifies, parses, awaits `onEvents`, then answers 204. Items that are
 * not readable events reach `onEvents` in `context.malformed` and do not fail the delivery.
 * 401 bad signature, 400 unreadable envelope (not JSON, not an array, > 100 items, nested
 * deeper than 64 levels), 413 too large, 503 when `onEvents` throws (HubSpot retries).
 *
 * @example
 * app.post('/webhooks/hubspot', createWebhookMiddleware({
 *   clientSecrets: [process.env.HUBSPOT_CLIENT_SECRET!], publicUrl: 'https://hooks.example.com',
 *   onEvents: (events) => inbox.insertMany(events),
 * }));
 */
export function createWebhookMiddleware(options: WebhookMiddlewareOptions): NodeMiddleware {
  if (options.clientSecrets.length === 0) {
    throw new HookpostHubSpotError('invalid_options', 'clientSecrets is empty: pass the app client secret');
  }
  const receiveOptions = {
    clientSecrets: options.clientSecrets,
    publicUrl: options.publicUrl,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    toleranceMs: options.toleranceMs,
    allowLegacy: options.allowLegacy ?? false,
    now: options.now,
  };
  return async function hubSpotWebhookMiddleware(req, res) {
    let events: CrmEvent[];
    let context: DeliveryContext;
    try {
      const received = await receiveSigned(req, receiveOptions);
      if (!received.ok) {
        sendRefusal(res, received.reason, received.bodyRead);
        return;
      }
      const bodyText = received.rawBody.toString('utf8');
      const parsed = parseWebhookDelivery(bodyText);
      events = parsed.events;
      context = {
        rawBody: received.rawBody,
        bodyText,
        signatureVersion: received.signatureVersion,
        malformed: parsed.malformed,
      };
    } catch (error) {
      if (!(error instanceof HookpostHubSpotError) || error.status >= 500) options.onError?.(error);
      sendError(res, error);
      return;
    }
    try {
      await options.onEvents(events, context);
    } catch (error) {
      options.onError?.(error);
      sendUnavailable(res);
      return;
    }
    res.writeHead(204).end();
  };
}
