import { randomBytes } from 'node:crypto';
import { hubSpotError } from './http.js';
import type { RouteResult } from './routes-crm.js';

export interface OAuthState {
  clientId: string;
  clientSecret: string;
  portalId: number;
  scopes: string[];
  accessTokens: Map<string, { expiresAt: number }>;
  refreshTokens: Set<string>;
  stats: { tokenRequests: number };
}

/** Access tokens live 30 minutes. https://developers.hubspot.com/docs/api/oauth/tokens */
const ACCESS_TOKEN_TTL_SECONDS = 1_800;

/** `POST /oauth/v1/token` (form): authorization_code and refresh_token grants. */
export function token(state: OAuthState, form: URLSearchParams): RouteResult {
  state.stats.tokenRequests += 1;
  if (form.get('client_id') !== state.clientId || form.get('client_secret') !== state.clientSecret) {
    return {
      status: 400,
      body: { status: 'BAD_CLIENT_ID', message: 'missing or unknown client id / secret' },
    };
  }
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const code = form.get('code');
    if (!code || code === 'invalid-code' || !form.get('redirect_uri')) {
      return { status: 400, body: { status: 'BAD_AUTH_CODE', message: 'auth code not found' } };
    }
  } else if (grant === 'refresh_token') {
    if (!state.refreshTokens.has(form.get('refresh_token') ?? '')) {
      return {
        status: 400,
        body: { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' },
      };
    }
  } else {
    return { status: 400, body: hubSpotError(`unsupported grant_type ${grant}`, 'VALIDATION_ERROR') };
  }
  const accessToken = `fake-at-${randomBytes(12).toString('hex')}`;
  const refreshToken =
    grant === 'refresh_token'
      ? (form.get('refresh_token') as string)
      : `fake-rt-${randomBytes(12).toString('hex')}`;
  state.accessTokens.set(accessToken, { expiresAt: Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1_000 });
  state.refreshTokens.add(refreshToken);
  return {
    status: 200,
    body: {
      token_type: 'bearer',
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
    },
  };
}

/** `GET /oauth/v1/access-tokens/{token}`: who the token belongs to. */
export function accessTokenInfo(state: OAuthState, accessToken: string): RouteResult {
  const issued = state.accessTokens.get(accessToken);
  if (!issued) return { status: 404, body: hubSpotError('Token not found', 'OBJECT_NOT_FOUND') };
  return {
    status: 200,
    body: {
      token: accessToken,
      user: 'admin@example.com',
      hub_domain: 'example.com',
      scopes: state.scopes,
      hub_id: state.portalId,
      app_id: 54321,
      expires_in: Math.max(0, Math.round((issued.expiresAt - Date.now()) / 1_000)),
      user_id: 1,
      token_type: 'access',
    },
  };
}
