import type { Client } from '@hubspot/api-client';

export interface RawResponse {
  status: number;
  header(name: string): string | null;
  text: string;
}

export type ApiCall = (token: string, method: string, path: string, body: unknown) => Promise<RawResponse>;

/**
 * Sends one request through `@hubspot/api-client`'s generic `apiRequest`. The SDK's own
 * retry is off (`numberOfApiCallRetries: 0`) so our limiter owns retries and 429 pauses.
 * Note: the SDK keeps its decorators in a process-wide singleton, reset by every `new Client`.
 * The SDK (≈3 MB of heap with its dependencies) loads on the first call, so a process that
 * reads records from a dataset or only receives webhooks never holds it.
 */
export function createSdkCall(basePath: string): ApiCall {
  let cached: { token: string; client: Client } | undefined;
  const clientFor = async (token: string) => {
    if (cached?.token !== token) {
      const { Client } = await import('@hubspot/api-client');
      cached = { token, client: new Client({ accessToken: token, basePath, numberOfApiCallRetries: 0 }) };
    }
    return cached.client;
  };
  return async function callHubSpot(token, method, path, body) {
    const response = await (await clientFor(token)).apiRequest({
      method,
      path,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, header: (name) => response.headers.get(name), text };
  };
}
