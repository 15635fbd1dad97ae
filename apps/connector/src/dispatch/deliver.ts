import { type CampaignTrigger, parseRetryAfter, signTrigger } from '@hookpost/core';

export type AttemptOutcome = 'delivered' | 'retry' | 'dead';

export interface AttemptResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  retryAfterMs: number | null;
  durationMs: number;
}

const KEPT_RESPONSE_CHARS = 2_000;

/**
 * One signed POST of a trigger (the campaign trigger contract). 2xx delivered; 408, 429, 5xx, timeouts and
 * network errors are worth retrying; any other 4xx is final (the destination rejected
 * the content), and its response is kept for the operator.
 */
export async function deliverWebhook({
  url,
  secret,
  timeoutMs,
  payload,
  now = Date.now,
}: {
  url: string;
  secret: string;
  timeoutMs: number;
  payload: CampaignTrigger;
  now?: () => number;
}): Promise<AttemptResult> {
  const started = performance.now();
  const signed = signTrigger(payload, secret, { timestamp: new Date(now()) });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Hookpost/0.1', ...signed.headers },
      body: signed.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await response.text().catch(() => '')).slice(0, KEPT_RESPONSE_CHARS);
    const status = response.status;
    const retryable = status === 408 || status === 429 || status >= 500;
    return {
      outcome: status >= 200 && status < 300 ? 'delivered' : retryable || status < 200 ? 'retry' : 'dead',
      statusCode: status,
      error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
      responseBody: text === '' ? null : text,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now()),
      durationMs: elapsed(),
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      outcome: 'retry',
      statusCode: null,
      error: timedOut ? `timed out after ${timeoutMs} ms` : `${(error as Error).message}${cause}`,
      responseBody: null,
      retryAfterMs: null,
      durationMs: elapsed(),
    };
  }
}
