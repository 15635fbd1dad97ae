import { describe, expect, it } from 'vitest';
import { createInstallFlow, INSTALL_COOKIE, type UsedStates } from './install-flow.js';
import { createOAuth } from './oauth.js';

const oauth = createOAuth({
  clientId: 'client',
  clientSecret: 'secret',
  redirectUri: 'https://hooks.example.com/oauth/hubspot/callback',
  requiredScopes: ['oauth'],
  stateSecret: 'state-secret',
});
function memoryStates(): UsedStates {
  const used = new Set<string>();
  return {
    async claim(nonce) {
      if (used.has(nonce)) return false;
      used.add(nonce);
      return true;
    },
  };
}
const started = (flow: ReturnType<typeof createInstallFlow>) => {
  const { location, setCookie } = flow.begin();
  return { state: new URL(location).searchParams.get('state') ?? '', cookie: setCookie.split(';')[0] ?? '' };
};

describe('createInstallFlow', () => {
  it('accepts a state once, from the browser that started the install', async () => {
    const flow = createInstallFlow({ oauth, usedStates: memoryStates(), secureCookie: true });
    const { setCookie } = flow.begin();
    expect(setCookie).toMatch(
      new RegExp(
        `^${INSTALL_COOKIE}=[\\w-]{43}; Path=/oauth/hubspot; Max-Age=600; HttpOnly; SameSite=Lax; Secure$`,
      ),
    );
    const { state, cookie } = started(flow);
    expect(await flow.check(state, `other=1; ${cookie}`)).toEqual({ ok: true });
    expect(await flow.check(state, cookie)).toEqual({ ok: false, reason: 'already_used' });
  });

  it('refuses another browser’s cookie, no cookie, a forged or missing state', async () => {
    const flow = createInstallFlow({ oauth, usedStates: memoryStates(), secureCookie: false });
    const first = started(flow);
    const second = started(flow);
    expect(await flow.check(first.state, second.cookie)).toEqual({ ok: false, reason: 'not_this_browser' });
    expect(await flow.check(first.state, undefined)).toEqual({ ok: false, reason: 'not_this_browser' });
    expect(await flow.check(`${first.state}x`, first.cookie)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await flow.check(['a'], first.cookie)).toEqual({ ok: false, reason: 'missing_state' });
    // A state without a binding (made by installUrl() directly) cannot be completed here.
    const unbound = new URL(oauth.installUrl()).searchParams.get('state') ?? '';
    expect(await flow.check(unbound, first.cookie)).toEqual({ ok: false, reason: 'not_this_browser' });
    expect(await flow.check(first.state, first.cookie)).toEqual({ ok: true });
  });
});
