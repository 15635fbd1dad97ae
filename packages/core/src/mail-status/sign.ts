import { HookpostCoreError } from '../errors.js';
import type { SignedTrigger } from '../signing/sign.js';
import { webhookFor } from '../signing/sign.js';

/**
 * Signs any JSON webhook body per Standard Webhooks with a `whsec_` secret: the same scheme
 * as campaign triggers, for the other messages between Hookpost and a mail platform
 * (`mail.status` reports, `campaign.cancel` requests). `id` becomes `webhook-id`; keep it
 * stable across retries so the receiver can de-duplicate.
 *
 * @example
 * const signed = signWebhook('trg_…', { type: 'campaign.cancel', id: 'trg_…', reason: 'reversed' }, secret);
 * await fetch(cancelUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers }, body: signed.body });
 */
export function signWebhook(
  id: string,
  payload: unknown,
  secret: string,
  options: { timestamp?: Date } = {},
): SignedTrigger {
  if (id === '') throw new HookpostCoreError('invalid_trigger', 'a webhook needs an id to sign');
  const seconds = Math.floor((options.timestamp ?? new Date()).getTime() / 1000);
  const body = JSON.stringify(payload);
  const signature = webhookFor(secret).sign(id, new Date(seconds * 1000), body);
  return {
    id,
    timestamp: seconds,
    headers: { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': signature },
    body,
  };
}
