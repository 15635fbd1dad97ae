import { HookpostHubSpotError } from '../errors.js';
import type { OAuth } from './oauth.js';
import type { OAuthTokens } from './token-response.js';

/** Tokens as stored for one portal (the connector encrypts them at rest). */
export type StoredTokens = OAuthTokens;

/** Where installations keep their tokens; the app supplies it (database, encrypted). */
export interface TokenStore {
  get(portalId: string): Promise<StoredTokens | null>;
  set(portalId: string, tokens: StoredTokens): Promise<void>;
}

export interface TokenProviderOptions {
  oauth: Pick<OAuth, 'refresh'>;
  store: TokenStore;
  portalId: string;
  /** Refresh this long before expiry; access tokens live 30 min. */
  refreshBeforeMs?: number;
  now?: () => number;
}

/**
 * A `getAccessToken` for `createHubSpotClient`: returns the stored token, refreshing it
 * `refreshBeforeMs` before it expires. Concurrent callers share one refresh. HubSpot
 * refresh tokens are reusable, so two processes refreshing at once do no harm.
 *
 * @example
 * const client = createHubSpotClient({ getAccessToken: createTokenProvider({ oauth, store, portalId: '62515' }) });
 */
export function createTokenProvider(options: TokenProviderOptions): () => Promise<string> {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? 300_000;
  let refreshing: Promise<string> | undefined;

  async function refresh(current: StoredTokens): Promise<string> {
    const fresh = await options.oauth.refresh(current.refreshToken);
    const merged: StoredTokens = {
      ...current,
      ...fresh,
      portalId: fresh.portalId ?? current.portalId ?? options.portalId,
    };
    await options.store.set(options.portalId, merged);
    return merged.accessToken;
  }

  return async function getAccessToken() {
    if (refreshing) return refreshing;
    const tokens = await options.store.get(options.portalId);
    if (!tokens) {
      throw new HookpostHubSpotError(
        'not_installed',
        `no HubSpot tokens stored for portal ${options.portalId}: install the app`,
      );
    }
    if (tokens.expiresAt.getTime() - now() > refreshBeforeMs) return tokens.accessToken;
    refreshing ??= refresh(tokens).finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
}
