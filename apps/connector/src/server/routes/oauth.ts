import type { TokenStore } from '@hookpost/hubspot';
import { Router } from 'express';
import type { Integrations } from '../../integrations.js';
import type { Logger } from '../../log.js';

/** HubSpot app install: redirect to HubSpot with a signed `state`, store tokens on return. */
export function oauthRoutes({
  oauth,
  tokenStore,
  logger,
  routedPortals = new Set<string>(),
}: {
  oauth: Integrations['oauth'];
  tokenStore: TokenStore | null;
  logger: Logger;
  /** Portal ids some workspace names (`hubspot.portalId`); other portals' events stay unrouted. */
  routedPortals?: ReadonlySet<string>;
}): Router {
  const router = Router();
  router.get('/oauth/hubspot/install', (_req, res) => {
    if ('unavailable' in oauth || !tokenStore) {
      res.status(404).json({
        error: 'oauth_unavailable',
        message: 'unavailable' in oauth ? oauth.unavailable : 'no token store',
      });
      return;
    }
    res.redirect(302, oauth.installUrl());
  });
  router.get('/oauth/hubspot/callback', async (req, res) => {
    if ('unavailable' in oauth || !tokenStore) {
      res.status(404).json({
        error: 'oauth_unavailable',
        message: 'unavailable' in oauth ? oauth.unavailable : 'no token store',
      });
      return;
    }
    const { code, state, error } = req.query;
    if (typeof error === 'string') {
      res.status(400).json({ error: 'install_refused', message: `HubSpot answered ${error.slice(0, 100)}` });
      return;
    }
    if (typeof code !== 'string' || typeof state !== 'string') {
      res.status(400).json({ error: 'bad_request', message: 'code and state query parameters are required' });
      return;
    }
    const checked = oauth.verifyState(state);
    if (!checked.ok) {
      res
        .status(400)
        .json({ error: 'invalid_state', message: `state is ${checked.reason}: start the install again` });
      return;
    }
    try {
      const tokens = await oauth.exchangeCode(code);
      if (!tokens.portalId) throw new Error('HubSpot did not say which portal installed the app');
      await tokenStore.set(tokens.portalId, tokens);
      if (!routedPortals.has(tokens.portalId)) {
        const warning = `no workspace names portal ${tokens.portalId}: its events stay unrouted until a workspace sets hubspot.portalId: ${tokens.portalId}`;
        logger.warn({ portalId: tokens.portalId }, warning);
        res.status(200).json({ installed: true, portalId: tokens.portalId, routed: false, warning });
        return;
      }
      logger.info({ portalId: tokens.portalId }, 'HubSpot app installed');
      res.status(200).json({ installed: true, portalId: tokens.portalId, routed: true });
    } catch (failure) {
      logger.warn({ err: (failure as Error).message }, 'HubSpot install failed');
      res.status(502).json({
        error: 'exchange_failed',
        message: 'HubSpot did not accept the authorization code; try installing again',
      });
    }
  });
  return router;
}
