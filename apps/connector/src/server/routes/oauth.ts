import { createInstallFlow, HookpostHubSpotError, type TokenStore, type UsedStates } from '@hookpost/hubspot';
import { Router } from 'express';
import type { Integrations } from '../../integrations.js';
import type { Logger } from '../../log.js';

/**
 * HubSpot app install: redirect to HubSpot with a signed, single-use `state` bound to
 * this browser by an HttpOnly cookie; on return check both, then store the tokens.
 */
export function oauthRoutes({
  oauth,
  tokenStore,
  usedStates,
  publicUrl,
  logger,
}: {
  oauth: Integrations['oauth'];
  tokenStore: TokenStore | null;
  /** Where used state nonces are remembered (the connector's database). */
  usedStates: UsedStates;
  publicUrl: string;
  logger: Logger;
}): Router {
  const router = Router();
  const flow =
    'unavailable' in oauth
      ? null
      : createInstallFlow({ oauth, usedStates, secureCookie: publicUrl.startsWith('https:') });
  const unavailable = (res: import('express').Response) =>
    res.status(404).json({
      error: 'oauth_unavailable',
      message: 'unavailable' in oauth ? oauth.unavailable : 'no token store',
    });
  router.get('/oauth/hubspot/install', (_req, res) => {
    if (!flow || 'unavailable' in oauth || !tokenStore) return void unavailable(res);
    const { location, setCookie } = flow.begin();
    res.setHeader('set-cookie', setCookie);
    res.setHeader('cache-control', 'no-store');
    res.redirect(302, location);
  });
  router.get('/oauth/hubspot/callback', async (req, res) => {
    if (!flow || 'unavailable' in oauth || !tokenStore) return void unavailable(res);
    const { code, state, error } = req.query;
    if (typeof error === 'string') {
      res.status(400).json({ error: 'install_refused', message: `HubSpot answered ${error.slice(0, 100)}` });
      return;
    }
    if (typeof code !== 'string' || typeof state !== 'string' || code.length > 2_000) {
      res.status(400).json({ error: 'bad_request', message: 'code and state query parameters are required' });
      return;
    }
    const checked = await flow.check(state, req.headers.cookie);
    if (!checked.ok) {
      logger.warn({ reason: checked.reason }, 'HubSpot install refused: bad state');
      res
        .status(400)
        .json({ error: 'invalid_state', message: `state is ${checked.reason}: start the install again` });
      return;
    }
    try {
      const tokens = await oauth.exchangeCode(code);
      if (!tokens.portalId) throw new Error('HubSpot did not say which portal installed the app');
      await tokenStore.set(tokens.portalId, tokens);
      logger.info({ portalId: tokens.portalId }, 'HubSpot app installed');
      res.status(200).json({ installed: true, portalId: tokens.portalId });
    } catch (failure) {
      logger.warn({ err: (failure as Error).message }, 'HubSpot install failed');
      // HubSpot refusing the code (4xx) is the caller's bad input; only its outage is a 502.
      const refused = failure instanceof HookpostHubSpotError && failure.status < 500;
      res.status(refused ? 400 : 502).json({
        error: 'exchange_failed',
        message: refused
          ? 'HubSpot did not accept the authorization code; try installing again'
          : 'HubSpot could not be reached to exchange the code; try installing again',
      });
    }
  });
  return router;
}
