import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotClient } from '../client/client.js';
import { HookpostHubSpotError } from '../errors.js';
import { type FakeHubSpot, startFakeHubSpot } from '../testing/index.js';
import { createOAuth, type OAuthOptions } from './oauth.js';
import { createTokenProvider, type StoredTokens, type TokenStore } from './token-provider.js';

let hubspot: FakeHubSpot;
beforeEach(async () => {
  hubspot = await startFakeHubSpot({ portalId: 62515, scopes: ['oauth', 'crm.objects.contacts.read'] });
});
afterEach(() => hubspot.close());

const options = (overrides: Partial<OAuthOptions> = {}): OAuthOptions => ({
  clientId: 'fake-client-id',
  clientSecret: 'fake-client-secret',
  redirectUri: 'https://hooks.example.com/oauth/hubspot/callback',
  requiredScopes: ['oauth', 'crm.objects.contacts.read'],
  optionalScopes: ['automation'],
  stateSecret: 'state-secret',
  baseUrl: hubspot.url,
  ...overrides,
});

describe('createOAuth', () => {
  it('builds the authorize URL with space-separated scopes and a verifiable state', () => {
    const oauth = createOAuth(options());
    const url = new URL(oauth.installUrl({ returnTo: '/welcome' }));
    expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
    expect(url.searchParams.get('client_id')).toBe('fake-client-id');
    expect(url.searchParams.get('redirect_uri')).toBe('https://hooks.example.com/oauth/hubspot/callback');
    expect(url.searchParams.get('scope')).toBe('oauth crm.objects.contacts.read');
    expect(url.search).toContain('scope=oauth%20crm.objects.contacts.read');
    expect(url.searchParams.get('optional_scope')).toBe('automation');
    expect(oauth.verifyState(url.searchParams.get('state')!)).toMatchObject({
      ok: true,
      returnTo: '/welcome',
    });
  });

  it('rejects tampered, foreign, malformed and expired state', () => {
    let clock = 1_800_000_000_000;
    const oauth = createOAuth(options({ now: () => clock, stateTtlMs: 60_000 }));
    const state = new URL(oauth.installUrl()).searchParams.get('state')!;
    const [body, mac] = state.split('.');
    const forged = Buffer.from(
      JSON.stringify({ n: 'x', e: clock + 1e9, r: 'https://evil.example' }),
    ).toString('base64url');
    expect(oauth.verifyState(`${forged}.${mac}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(createOAuth(options({ stateSecret: 'other' })).verifyState(state)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(oauth.verifyState('nonsense')).toEqual({ ok: false, reason: 'malformed' });
    expect(oauth.verifyState(`${body}.${mac}`)).toMatchObject({ ok: true });
    clock += 60_001;
    expect(oauth.verifyState(state)).toEqual({ ok: false, reason: 'expired' });
  });

  it('exchanges a code against the fake, looking up the portal id, and refreshes', async () => {
    const started = Date.now();
    const oauth = createOAuth(options());
    const tokens = await oauth.exchangeCode('code-from-callback');
    expect(tokens).toMatchObject({ portalId: '62515', scopes: ['oauth', 'crm.objects.contacts.read'] });
    expect(tokens.accessToken).toMatch(/^fake-at-/);
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(started + 1_800_000);
    const refreshed = await oauth.refresh(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(hubspot.stats.tokenRequests).toBe(2);
  });

  it('fails with a typed error for a bad code or wrong client secret, without echoing secrets', async () => {
    const bad = await createOAuth(options())
      .exchangeCode('invalid-code')
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(HookpostHubSpotError);
    expect(bad).toMatchObject({ code: 'oauth_error', status: 401 });
    const wrong = (await createOAuth(options({ clientSecret: 'leaked?' }))
      .exchangeCode('ok')
      .catch((error: unknown) => error)) as Error;
    expect(wrong.message).toMatch(/400/);
    expect(wrong.message).not.toContain('leaked?');
    await expect(createOAuth(options()).refresh('unknown-refresh-token')).rejects.toMatchObject({
      code: 'oauth_error',
    });
  });
});

describe('createTokenProvider', () => {
  const memoryStore = () => {
    const saved = new Map<string, StoredTokens>();
    const store: TokenStore = {
      get: async (portalId) => saved.get(portalId) ?? null,
      set: async (portalId, tokens) => void saved.set(portalId, tokens),
    };
    return { saved, store };
  };

  it('returns the stored token while fresh and refreshes once for concurrent callers near expiry', async () => {
    const oauth = createOAuth(options());
    const installed = await oauth.exchangeCode('code');
    const { saved, store } = memoryStore();
    await store.set('62515', installed);
    let clock = Date.now();
    const getAccessToken = createTokenProvider({ oauth, store, portalId: '62515', now: () => clock });
    expect(await getAccessToken()).toBe(installed.accessToken);
    expect(hubspot.stats.tokenRequests).toBe(1);

    clock = installed.expiresAt.getTime() - 299_000;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(installed.accessToken);
    expect(hubspot.stats.tokenRequests).toBe(2);
    expect(saved.get('62515')?.accessToken).toBe(tokens[0]);
    expect(saved.get('62515')?.portalId).toBe('62515');

    const client = createHubSpotClient({ getAccessToken, baseUrl: hubspot.url });
    hubspot.addRecord('contact', '1', { firstname: 'Erika' });
    expect((await client.fetchRecords('contact', ['1'], ['firstname'])).get('1')?.firstname).toBe('Erika');
  });

  it('says the app is not installed when the store has nothing', async () => {
    const getAccessToken = createTokenProvider({
      oauth: createOAuth(options()),
      store: memoryStore().store,
      portalId: '1',
    });
    await expect(getAccessToken()).rejects.toMatchObject({ code: 'not_installed' });
  });
});
