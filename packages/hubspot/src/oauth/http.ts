import type { Client } from '@hubspot/api-client';
import { HookpostHubSpotError } from '../errors.js';

/**
 * One unauthenticated call to HubSpot's OAuth endpoints through `@hubspot/api-client`
 * (no bearer token; the client secret travels in the form body). Throws `oauth_error`
 * with HubSpot's status and message — never the secret or code.
 */
export async function oauthRequest(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  form?: URLSearchParams,
): Promise<unknown> {
  // Loaded on first use (installs and token refreshes), not with the package.
  const { Client } = await import('@hubspot/api-client');
  const client = new Client({ basePath: baseUrl, numberOfApiCallRetries: 0 });
  let response: Awaited<ReturnType<Client['apiRequest']>>;
  try {
    response = await client.apiRequest({
      method,
      path,
      ...(form
        ? {
            body: form.toString(),
            defaultJson: false,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          }
        : {}),
    });
  } catch (cause) {
    throw new HookpostHubSpotError(
      'network_error',
      `${method} ${path.split('/').slice(0, 4).join('/')} failed`,
      { cause },
    );
  }
  const text = await response.text();
  const body = parse(text);
  if (response.status >= 200 && response.status < 300) return body;
  const message =
    typeof (body as { message?: unknown })?.message === 'string'
      ? (body as { message: string }).message
      : `HTTP ${response.status}`;
  throw new HookpostHubSpotError('oauth_error', `HubSpot OAuth answered ${response.status}: ${message}`, {
    status: response.status >= 500 ? 502 : 401,
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
