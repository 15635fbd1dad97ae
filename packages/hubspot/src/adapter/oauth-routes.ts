import type { AdapterLogger, InboundRoute } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import { createInstallFlow, type InstallFlow } from '../oauth/install-flow.js';
import { createOAuth, type OAuth } from '../oauth/oauth.js';
import type { TokenStore } from '../oauth/token-provider.js';
import { HUBSPOT_ROUTES } from './paths.js';
import type { HubSpotAdapterOptions } from './settings.js';

const { install: INSTALL_PATH, callback: CALLBACK_PATH } = HUBSPOT_ROUTES;

type Install = { oauth: OAuth; flow: InstallFlow; tokenStore: TokenStore } | { unavailable: string };

/** The OAuth flow the adapter's options allow, or why there is none. */
export function installFlow(options: HubSpotAdapterOptions): Install {
  const app = options.app;
  if (!app?.clientId) return { unavailable: 'set hubspot.clientId in the configuration' };
  if (!options.oauth) return { unavailable: 'no token store for OAuth installations' };
  if ('unavailable' in options.oauth) return options.oauth;
  const oauth = createOAuth({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: `${options.publicUrl}${CALLBACK_PATH}`,
    requiredScopes: [...app.requiredScopes],
    optionalScopes: [...app.optionalScopes],
    stateSecret: options.oauth.stateSecret,
    baseUrl: app.apiBaseUrl,
  });
  const flow = createInstallFlow({
    oauth,
    usedStates: options.oauth.usedStates,
    secureCookie: options.publicUrl.startsWith('https:'),
  });
  return { oauth, flow, tokenStore: options.oauth.tokenStore };
}

/**
 * App install: `GET /oauth/hubspot/install` redirects to HubSpot with a signed, single-use
 * `state` bound to this browser by an HttpOnly cookie; `GET /oauth/hubspot/callback` checks
 * both, exchanges the code and stores the tokens per portal. 404 `oauth_unavailable` when
 * OAuth is not configured, 400 for a refused install, a bad/expired/reused state or a code
 * HubSpot refuses, 502 when HubSpot cannot be reached.
 */
export function oauthRoutes(
  options: HubSpotAdapterOptions,
  logger: AdapterLogger,
  /** Portal ids some workspace names (`hubspot.portalId`); other portals' events stay unrouted. */
  routedPortals: ReadonlySet<string> = new Set(),
): InboundRoute[] {
  const flow = installFlow(options);
  const unavailable = (res: Parameters<InboundRoute['handler']>[1]) =>
    sendJson(res, 404, {
      error: 'oauth_unavailable',
      message: 'unavailable' in flow ? flow.unavailable : '',
    });
  return [
    {
      method: 'GET',
      path: INSTALL_PATH,
      async handler(_req, res) {
        if ('unavailable' in flow) return unavailable(res);
        const { location, setCookie } = flow.flow.begin();
        res.writeHead(302, { location, 'set-cookie': setCookie, 'cache-control': 'no-store' });
        res.end();
      },
    },
    {
      method: 'GET',
      path: CALLBACK_PATH,
      async handler(req, res) {
        if ('unavailable' in flow) return unavailable(res);
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
        const error = query.get('error');
        const code = query.get('code');
        const state = query.get('state');
        if (error !== null) {
          sendJson(res, 400, {
            error: 'install_refused',
            message: `HubSpot answered ${error.slice(0, 100)}`,
          });
          return;
        }
        if (code === null || state === null || code.length > 2_000) {
          sendJson(res, 400, {
            error: 'bad_request',
            message: 'code and state query parameters are required',
          });
          return;
        }
        const checked = await flow.flow.check(state, req.headers.cookie);
        if (!checked.ok) {
          logger.warn({ reason: checked.reason }, 'HubSpot install refused: bad state');
          sendJson(res, 400, {
            error: 'invalid_state',
            message: `state is ${checked.reason}: start the install again`,
          });
          return;
        }
        try {
          const tokens = await flow.oauth.exchangeCode(code);
          if (!tokens.portalId) throw new Error('HubSpot did not say which portal installed the app');
          await flow.tokenStore.set(tokens.portalId, tokens);
          if (!routedPortals.has(tokens.portalId)) {
            const warning = `no workspace names portal ${tokens.portalId}: its events stay unrouted until a workspace sets hubspot.portalId: ${tokens.portalId}`;
            logger.warn({ portalId: tokens.portalId }, warning);
            sendJson(res, 200, { installed: true, portalId: tokens.portalId, routed: false, warning });
            return;
          }
          logger.info({ portalId: tokens.portalId }, 'HubSpot app installed');
          sendJson(res, 200, { installed: true, portalId: tokens.portalId, routed: true });
        } catch (failure) {
          logger.warn({ err: (failure as Error).message }, 'HubSpot install failed');
          // HubSpot refusing the code (4xx) is the caller's bad input; only its outage is a 502.
          const refused = failure instanceof HookpostHubSpotError && failure.status < 500;
          sendJson(res, refused ? 400 : 502, {
            error: 'exchange_failed',
            message: refused
              ? 'HubSpot did not accept the authorization code; try installing again'
              : 'HubSpot could not be reached to exchange the code; try installing again',
          });
        }
      },
    },
  ];
}
