import type { Issue } from '../errors.js';
import { toIssues } from '../result.js';
import { webhookFor } from '../signing/sign.js';
import type { HeaderBag } from '../signing/verify.js';
import { type MailStatusReport, mailStatusSchema } from './schema.js';

export type MailStatusVerification =
  | { ok: true; report: MailStatusReport; webhookId: string }
  | { ok: false; problem: 'invalid_signature' | 'malformed'; message: string; issues: Issue[] };

function flatten(headers: HeaderBag): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') flat[name.toLowerCase()] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') flat[name.toLowerCase()] = value[0];
  }
  return flat;
}

/**
 * Verifies a `mail.status` webhook from a mail platform and validates its body. The
 * signature is Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * checked with the `standardwebhooks` package against each secret in turn (rotation), which
 * also rejects a `webhook-timestamp` more than 5 minutes old or ahead
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#verifying-webhook-authenticity).
 * Returns data, never throws for bad input: `invalid_signature` (answer 401) or `malformed`
 * (answer 400, with the issues by path). A secret that is not a `whsec_` key throws
 * `HookpostCoreError('invalid_secret')`: that is configuration, not input.
 *
 * @example
 * const result = verifyMailStatus(rawBody, req.headers, [destination.statusSecret ?? destination.secret]);
 * if (!result.ok) return res.status(result.problem === 'malformed' ? 400 : 401).json(result);
 */
export function verifyMailStatus(
  body: string | Buffer,
  headers: HeaderBag,
  secrets: readonly string[],
): MailStatusVerification {
  const flat = flatten(headers);
  const webhooks = secrets.map(webhookFor);
  let verifiedText: string | null = null;
  let why = 'no secret configured';
  for (const webhook of webhooks) {
    try {
      webhook.verify(body, flat, { jsonParse: false });
      verifiedText = typeof body === 'string' ? body : body.toString('utf8');
      break;
    } catch (error) {
      why = error instanceof Error ? error.message : 'verification failed';
    }
  }
  if (verifiedText === null) {
    return {
      ok: false,
      problem: 'invalid_signature',
      message: `mail status signature rejected (${why}): check the destination's secret or statusSecret`,
      issues: [],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(verifiedText);
  } catch (error) {
    return {
      ok: false,
      problem: 'malformed',
      message: `body is not JSON: ${(error as Error).message}`,
      issues: [],
    };
  }
  const result = mailStatusSchema.safeParse(parsed);
  if (!result.success) {
    const issues = toIssues(result.error.issues);
    const first = issues[0];
    return {
      ok: false,
      problem: 'malformed',
      message: `not a mail.status report${first ? `: ${first.path || '(body)'}: ${first.message}` : ''}`,
      issues,
    };
  }
  return { ok: true, report: result.data, webhookId: flat['webhook-id'] ?? '' };
}
