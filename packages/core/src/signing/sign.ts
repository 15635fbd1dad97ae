import { Webhook } from 'standardwebhooks';
import { HookpostCoreError } from '../errors.js';
import type { CampaignTrigger } from '../trigger.js';

/** The Standard Webhooks headers (https://www.standardwebhooks.com/). */
export type TriggerHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface SignedTrigger {
  id: string;
  /** Unix seconds, as sent in `webhook-timestamp`. */
  timestamp: number;
  headers: TriggerHeaders;
  /** The exact JSON text that was signed; send it byte for byte. */
  body: string;
}

export interface SignOptions {
  /** Defaults to the payload's id, so retries carry the same `webhook-id`. */
  id?: string;
  /** Signing time as a Date or Unix seconds; defaults to the current time. */
  timestamp?: Date | number;
}

/**
 * Signs a trigger per Standard Webhooks with the destination's `whsec_…` secret, using the
 * `standardwebhooks` package. Throws `HookpostCoreError('invalid_secret')` for a bad secret
 * (the secret never appears in the message).
 *
 * @example
 * const signed = signTrigger(trigger, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers }, body: signed.body });
 */
export function signTrigger(
  payload: CampaignTrigger,
  secret: string,
  options: SignOptions = {},
): SignedTrigger {
  const id = options.id ?? payload?.id;
  if (typeof id !== 'string' || id === '') {
    throw new HookpostCoreError(
      'invalid_trigger',
      'a trigger needs an id to sign: build it with buildTrigger',
    );
  }
  const seconds = toUnixSeconds(options.timestamp ?? new Date());
  const body = JSON.stringify(payload);
  const signature = webhookFor(secret).sign(id, new Date(seconds * 1000), body);
  return {
    id,
    timestamp: seconds,
    headers: { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': signature },
    body,
  };
}

/** A `Webhook` for the secret, or a typed error that does not echo it. */
export function webhookFor(secret: string): Webhook {
  if (typeof secret !== 'string' || secret === '') {
    throw new HookpostCoreError(
      'invalid_secret',
      'signing secret is empty: set the destination secret (whsec_…)',
    );
  }
  try {
    return new Webhook(secret);
  } catch (error) {
    throw new HookpostCoreError('invalid_secret', 'signing secret is not a valid whsec_ base64 secret', {
      cause: error,
    });
  }
}

function toUnixSeconds(timestamp: Date | number): number {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : Math.floor(timestamp);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new HookpostCoreError('invalid_trigger', 'signing timestamp must be a valid Date or Unix seconds');
  }
  return seconds;
}
