import { dataDirFor } from '../db/connect.js';
import { CliError } from './action.js';
import { readAdminToken } from './admin-token.js';
import { databaseUrlFrom } from './database.js';

export interface ConnectorOptions {
  url?: string;
}

export interface ConnectorClient {
  baseUrl: string;
  /** GET an admin API path (`/api/events?…`); throws a CliError that says what to fix. */
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** Sends a request as a CRM would (no admin token); answers status and text. */
  send(
    path: string,
    init: { headers: Record<string, string>; body: string },
  ): Promise<{ status: number; text: string }>;
}

/** `--url`, else `HOOKPOST_URL`, else `http://localhost:${PORT:-3000}`. */
export function connectorUrlFrom(options: ConnectorOptions, env: NodeJS.ProcessEnv = process.env): string {
  return (options.url ?? env.HOOKPOST_URL ?? `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
}

/**
 * A client for a running connector's admin API, for `events`, `triggers`, `tail` and
 * `simulate`. The token is `HOOKPOST_ADMIN_TOKEN`, else the one the connector stored beside
 * its database (`<data dir>/admin-token`). Says on stderr which connector it talks to.
 */
export function connectorClient(
  options: ConnectorOptions,
  env: NodeJS.ProcessEnv = process.env,
): ConnectorClient {
  const baseUrl = connectorUrlFrom(options, env);
  process.stderr.write(`connector: ${baseUrl}\n`);
  let token: string | null | undefined;
  const bearer = () => {
    token ??= readAdminToken(dataDirFor(databaseUrlFrom(env)), env);
    if (!token)
      throw new CliError(
        'no admin token: set HOOKPOST_ADMIN_TOKEN (or run where the connector keeps data/admin-token)',
      );
    return token;
  };

  async function call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(
        `cannot reach the connector at ${baseUrl} (${cause}): is it running? set --url or HOOKPOST_URL`,
        { cause: error },
      );
    }
  }

  async function admin<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await call(path, {
      ...init,
      headers: { authorization: `Bearer ${bearer()}`, ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    if (response.status === 401)
      throw new CliError(`the connector at ${baseUrl} refused the admin token: set HOOKPOST_ADMIN_TOKEN`);
    if (!response.ok)
      throw new CliError(`${init.method ?? 'GET'} ${path}: ${response.status} ${body.message ?? ''}`.trim());
    return body as T;
  }

  return {
    baseUrl,
    get: (path) => admin(path),
    post: (path, body) =>
      admin(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    async send(path, init) {
      const response = await call(path, { method: 'POST', headers: init.headers, body: init.body });
      return { status: response.status, text: (await response.text()).slice(0, 500) };
    },
  };
}
