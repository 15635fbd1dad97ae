import type { z } from 'zod';
import { HookpostHubSpotError } from '../errors.js';
import { oauthRequest } from './http.js';
import { createStateSigner, type StateResult } from './state.js';
import { accessTokenInfoSchema, type OAuthTokens, tokenResponseSchema } from './token-response.js';

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Must match one of the app's `redirectUrls`, e.g. `https://hooks.example.com/oauth/hubspot/callback`. */
  redirectUri: string;
  requiredScopes: readonly string[];
  optionalScopes?: readonly string[];
  /** Key for the HMAC over `state`; not the client secret, so each can rotate alone. */
  stateSecret: string;
  stateTtlMs?: number;
  baseUrl?: string;
  authorizeUrl?: string;
  now?: () => number;
}

export interface OAuth {
  installUrl(options?: { returnTo?: string; bindingHash?: string }): string;
  verifyState(state: string): StateResult;
  exchangeCode(code: string): Promise<OAuthTokens>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
}

/**
 * HubSpot OAuth for the install flow: the authorize URL with a signed, expiring `state`,
 * code exchange (with the portal id looked up when HubSpot omits it) and refresh.
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 *
 * @example
 * const oauth = createOAuth({ clientId, clientSecret, redirectUri, requiredScopes: ['oauth'], stateSecret });
 * res.redirect(oauth.installUrl({ returnTo: '/welcome' }));
 * // callback: if (oauth.verifyState(req.query.state).ok) await store.set(...(await oauth.exchangeCode(req.query.code)))
 */
export function createOAuth(options: OAuthOptions): OAuth {
  for (const key of ['clientId', 'clientSecret', 'redirectUri', 'stateSecret'] as const) {
    if (!options[key]) throw new HookpostHubSpotError('invalid_options', `createOAuth needs ${key}`);
  }
  const now = options.now ?? Date.now;
  const baseUrl = (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '');
  const state = createStateSigner({ secret: options.stateSecret, ttlMs: options.stateTtlMs ?? 600_000, now });

  async function tokenRequest(fields: Record<string, string>): Promise<z.infer<typeof tokenResponseSchema>> {
    const form = new URLSearchParams({
      ...fields,
      client_id: options.clientId,
      client_secret: options.clientSecret,
    });
    return parse(tokenResponseSchema, await oauthRequest(baseUrl, 'POST', '/oauth/v1/token', form));
  }

  function toTokens(
    response: z.infer<typeof tokenResponseSchema>,
    fallbackRefreshToken?: string,
  ): OAuthTokens {
    const refreshToken = response.refresh_token ?? fallbackRefreshToken;
    if (!refreshToken) throw new HookpostHubSpotError('oauth_error', 'HubSpot returned no refresh token');
    const scopes = response.scopes ?? response.scope?.split(' ');
    return {
      accessToken: response.access_token,
      refreshToken,
      expiresAt: new Date(now() + response.expires_in * 1_000),
      ...(response.hub_id === undefined ? {} : { portalId: String(response.hub_id) }),
      ...(scopes === undefined ? {} : { scopes }),
    };
  }

  return {
    installUrl({ returnTo, bindingHash } = {}) {
      const query: Array<[string, string]> = [
        ['client_id', options.clientId],
        ['redirect_uri', options.redirectUri],
        ['scope', options.requiredScopes.join(' ')],
      ];
      if (options.optionalScopes?.length) query.push(['optional_scope', options.optionalScopes.join(' ')]);
      query.push([
        'state',
        state.create({
          ...(returnTo === undefined ? {} : { returnTo }),
          ...(bindingHash === undefined ? {} : { bindingHash }),
        }),
      ]);
      // encodeURIComponent, not URLSearchParams: scopes are joined by %20, as HubSpot documents, not '+'.
      const search = query.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
      return `${options.authorizeUrl ?? 'https://app.hubspot.com/oauth/authorize'}?${search}`;
    },
    verifyState: (value) => state.verify(value),
    async exchangeCode(code) {
      const tokens = toTokens(
        await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: options.redirectUri }),
      );
      if (tokens.portalId !== undefined) return tokens;
      const info = parse(
        accessTokenInfoSchema,
        await oauthRequest(
          baseUrl,
          'GET',
          `/oauth/v1/access-tokens/${encodeURIComponent(tokens.accessToken)}`,
        ),
      );
      return { ...tokens, portalId: String(info.hub_id), ...(info.scopes ? { scopes: info.scopes } : {}) };
    },
    async refresh(refreshToken) {
      return toTokens(
        await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }),
        refreshToken,
      );
    },
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HookpostHubSpotError(
      'oauth_error',
      `unexpected OAuth response: ${result.error.issues[0]?.message}`,
      {
        status: 502,
        cause: result.error,
      },
    );
  }
  return result.data;
}
