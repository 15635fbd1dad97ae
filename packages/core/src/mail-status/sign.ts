import { type SignedTrigger, signTrigger } from '../signing/sign.js';
import type { Trigger } from '../trigger.js';

/**
 * Signs any JSON webhook body per Standard Webhooks with a `whsec_` secret: the same scheme
 * (and code) as campaign triggers, for the other messages between Hookpost and a mail
 * platform (`mail.status` reports, `campaign.cancel` requests). `id` becomes `webhook-id`;
 * keep it stable across retries so the receiver can de-duplicate. Throws
 * `HookpostCoreError('invalid_secret')` for a bad secret, `('invalid_trigger')` for an empty id.
 *
 * @example
 * const signed = signWebhook('trg_….cancel', { type: 'campaign.cancel', id: 'trg_…', reason: 'reversed' }, secret);
 * await fetch(cancelUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers }, body: signed.body });
 */
export function signWebhook(
  id: string,
  payload: unknown,
  secret: string,
  options: { timestamp?: Date } = {},
): SignedTrigger {
  // signTrigger signs `JSON.stringify(payload)` under the given id; nothing in it reads the trigger's shape.
  return signTrigger(payload as Trigger, secret, {
    id,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
}
