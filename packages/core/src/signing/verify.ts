import { HookpostCoreError } from '../errors.js';
import { toIssues } from '../result.js';
import { type CampaignTrigger, campaignTriggerSchema } from '../trigger.js';
import { webhookFor } from './sign.js';

/** Request headers as Node gives them (`IncomingHttpHeaders`) or a plain record. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Verifies a received trigger (signature and a ±5 min timestamp window, via
 * `standardwebhooks`) and returns the validated payload. Throws
 * `HookpostCoreError('invalid_signature')` (status 401) or `('invalid_trigger')`.
 *
 * @example
 * app.post('/triggers', express.text({ type: '*\/*' }), (req, res) => {
 *   const trigger = verifyTrigger(req.body, req.headers, process.env.HOOKPOST_SECRET!);
 *   res.sendStatus(204);
 * });
 */
export function verifyTrigger(body: string | Buffer, headers: HeaderBag, secret: string): CampaignTrigger {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') flat[name.toLowerCase()] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') flat[name.toLowerCase()] = value[0];
  }
  let payload: unknown;
  try {
    payload = webhookFor(secret).verify(body, flat);
  } catch (error) {
    if (error instanceof HookpostCoreError) throw error;
    const why = error instanceof Error ? error.message : 'verification failed';
    throw new HookpostCoreError(
      'invalid_signature',
      `trigger signature rejected (${why}): check the secret`,
      {
        cause: error,
      },
    );
  }
  const result = campaignTriggerSchema.safeParse(payload);
  if (!result.success) {
    throw new HookpostCoreError('invalid_trigger', 'signed body is not a campaign trigger', {
      cause: result.error,
      issues: toIssues(result.error.issues),
    });
  }
  return result.data;
}
