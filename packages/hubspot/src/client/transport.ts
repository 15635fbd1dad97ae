import { backoffDelayMs, parseRetryAfter } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import type { SlidingWindowLimiter } from './limiter.js';
import type { ApiCall, RawResponse } from './sdk.js';

export interface TransportOptions {
  call: ApiCall;
  limiter: SlidingWindowLimiter;
  getAccessToken: () => Promise<string>;
  maxRetries: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** Pause after a 429 that names no Retry-After: one rate-limit window. */
  rateLimitPauseMs: number;
}

export type Send = (method: string, path: string, body?: unknown) => Promise<unknown>;

/**
 * One request with HubSpot's rules applied: a limiter slot per attempt, 429 pauses every
 * request (Retry-After, else one window) and retries, 5xx and network errors retry with
 * jittered exponential back-off, other 4xx fail at once. The `DAILY` policy is not retried.
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#error-responses
 */
export function createTransport(options: TransportOptions): Send {
  return async function send(method, path, body) {
    let lastError: HookpostHubSpotError | undefined;
    for (let attempt = 0; attempt <= options.maxRetries; attempt += 1) {
      const token = await options.getAccessToken();
      const release = await options.limiter.acquire();
      let response: RawResponse;
      try {
        response = await options.call(token, method, path, body);
      } catch (cause) {
        lastError = new HookpostHubSpotError(
          'network_error',
          `${method} ${path} failed: ${(cause as Error).message}`,
          {
            cause,
          },
        );
        await sleep(retryDelayMs(attempt, options));
        continue;
      } finally {
        release();
      }
      if (response.status >= 200 && response.status < 300) return parseJson(response.text);
      lastError = apiError(method, path, response);
      if (response.status === 429) {
        if (policyNameOf(response) === 'DAILY') throw lastError;
        options.limiter.pauseFor(parseRetryAfter(response.header('retry-after')) ?? options.rateLimitPauseMs);
        continue;
      }
      if (response.status < 500) throw lastError;
      await sleep(retryDelayMs(attempt, options));
    }
    throw lastError ?? new HookpostHubSpotError('api_error', `${method} ${path} was not attempted`);
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The shared back-off (`@hookpost/core`): attempt 0 failed → one base delay, doubling to the cap. */
const retryDelayMs = (attempt: number, options: TransportOptions) =>
  backoffDelayMs(attempt + 1, {
    initialDelayMs: options.retryBaseMs,
    maxDelayMs: options.maxRetryDelayMs,
  });

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function policyNameOf(response: RawResponse): string | undefined {
  const parsed = parseJson(response.text) as { policyName?: unknown } | undefined;
  return typeof parsed?.policyName === 'string' ? parsed.policyName : undefined;
}

function apiError(method: string, path: string, response: RawResponse): HookpostHubSpotError {
  const parsed = parseJson(response.text) as { message?: unknown } | undefined;
  const message = typeof parsed?.message === 'string' ? parsed.message : `HTTP ${response.status}`;
  const policyName = policyNameOf(response);
  const policy = policyName ? ` (${policyName})` : '';
  const code = response.status === 429 ? 'rate_limited' : 'api_error';
  return new HookpostHubSpotError(
    code,
    `HubSpot answered ${response.status} to ${method} ${path}: ${message}${policy}`,
    {
      status: response.status,
    },
  );
}
