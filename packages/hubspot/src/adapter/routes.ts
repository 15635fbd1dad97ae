import type { AcceptDelivery, AdapterLogger, AdapterWorkspace, CrmEvent, InboundRoute } from '@hookpost/core';
import { createWebhookMiddleware, DEFAULT_MAX_BODY_BYTES } from '../http/webhook-middleware.js';
import { createWorkflowActionMiddleware } from '../workflow/middleware.js';
import { createOptionsFetchMiddleware } from '../workflow/options-fetch.js';
import { oauthRoutes } from './oauth-routes.js';
import { HUBSPOT_ROUTES } from './paths.js';
import type { HubSpotAdapterOptions, HubSpotWorkspaceSettings } from './settings.js';

/**
 * The HubSpot routes: webhook deliveries and workflow-action executions (verified with the
 * app's client secrets, v3 signatures; v1/v2 only when `allowLegacySignatures`), answered only
 * after `accept` stored them; and the OAuth install flow. Without an app block, only OAuth's
 * "unavailable" answers are mounted.
 */
export function hubspotRoutes(
  options: HubSpotAdapterOptions,
  workspaces: readonly AdapterWorkspace<HubSpotWorkspaceSettings>[],
  accept: AcceptDelivery,
  logger: AdapterLogger,
): InboundRoute[] {
  const routes: InboundRoute[] = [];
  const app = options.app;
  if (app) {
    const shared = {
      clientSecrets: [app.clientSecret, ...app.previousClientSecrets],
      publicUrl: options.publicUrl,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      allowLegacy: app.allowLegacySignatures,
    };
    const accountOf = (events: CrmEvent[]) => events[0]?.accountId ?? null;
    routes.push({
      method: 'POST',
      path: HUBSPOT_ROUTES.webhook,
      channel: 'hubspot_webhook',
      handler: createWebhookMiddleware({
        ...shared,
        onEvents: async (events, { bodyText, signatureVersion, malformed }) => {
          await accept({
            platform: 'hubspot',
            channel: 'webhook',
            accountId: accountOf(events) ?? malformed[0]?.accountId ?? null,
            signatureVersion,
            body: bodyText,
            events,
            malformed,
          });
        },
        onError: (error) => logger.error({ err: error }, 'HubSpot delivery not stored'),
      }),
    });
    routes.push({
      method: 'POST',
      path: HUBSPOT_ROUTES.workflowAction,
      channel: 'hubspot_workflow_action',
      handler: createWorkflowActionMiddleware({
        ...shared,
        allowLegacy: true,
        ...(options.replayGuard ? { replayGuard: options.replayGuard } : {}),
        onExecution: async (_execution, event, { bodyText, signatureVersion }) => {
          await accept({
            platform: 'hubspot',
            channel: 'workflow_action',
            accountId: event.accountId,
            signatureVersion,
            body: bodyText,
            events: [event],
          });
        },
      }),
    });
    // The action's campaign picker, filled when a user opens it in the workflow editor:
    // the HubSpot campaigns of the workspace that names the portal (none: an empty list).
    routes.push({
      method: 'POST',
      path: HUBSPOT_ROUTES.workflowOptions,
      channel: 'hubspot_workflow_options',
      handler: createOptionsFetchMiddleware({
        ...shared,
        allowLegacy: true,
        optionsFor: async ({ portalId }) =>
          (workspaces.find((w) => String(w.settings.portalId) === portalId)?.campaigns ?? [])
            .filter((c) => c.trigger.platform === 'hubspot')
            .map((c) => ({ value: c.id, label: c.name ?? c.id })),
        onError: (error) => logger.error({ err: error }, 'HubSpot options fetch failed'),
      }),
    });
  }
  const routedPortals = new Set(workspaces.map((w) => String(w.settings.portalId)));
  routes.push(...oauthRoutes(options, logger, routedPortals));
  return routes;
}
