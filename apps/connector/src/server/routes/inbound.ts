import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CrmEvent } from '@hookpost/core';
import { createWebhookMiddleware, createWorkflowActionMiddleware } from '@hookpost/hubspot';
import { createOutboundMessageMiddleware, createTokenResolver, toCrmEvents } from '@hookpost/salesforce';
import { type Request, type Response, Router } from 'express';
import type { HookpostConfig } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { InboundDelivery, Inbox } from '../../store/inbox.js';

export interface InboundOptions {
  config: HookpostConfig;
  inbox: Inbox;
  metrics: Metrics;
  logger: Logger;
  /** Called after a commit so the worker starts at once instead of at its next poll. */
  onStored: () => void;
}

/** Counts every inbound request by channel and the status it was answered with. */
function counted<R extends IncomingMessage>(
  channel: string,
  metrics: Metrics,
  handler: (req: R, res: ServerResponse) => Promise<void>,
) {
  return async function countedHandler(req: Request, res: Response) {
    res.once('finish', () => metrics.deliveriesReceived.inc({ channel, status: String(res.statusCode) }));
    // The package middlewares take plain Node requests; Express's is one, with extras.
    await handler(req as unknown as R, res);
  };
}

/**
 * The CRM-facing routes (DESIGN §5). Each package middleware verifies and parses; the
 * `on…` callback is the inbox write, and the package answers only after it resolved.
 */
export function inboundRoutes({ config, inbox, metrics, logger, onStored }: InboundOptions): Router {
  const router = Router();
  const store = async (delivery: InboundDelivery) => {
    const result = await inbox.ingest(delivery);
    metrics.eventsAccepted.inc({ platform: delivery.platform }, result.accepted);
    if (result.duplicates > 0)
      metrics.eventsDuplicate.inc({ platform: delivery.platform }, result.duplicates);
    if (result.accepted > 0) onStored();
    if (delivery.malformed?.length)
      logger.warn(
        { platform: delivery.platform, items: delivery.malformed.length },
        'malformed items stored as failed events',
      );
    return result;
  };
  const accountOf = (events: CrmEvent[]) => events[0]?.accountId ?? null;
  const maxBodyBytes = config.server.maxBodyBytes;

  if (config.hubspot) {
    const hubspot = config.hubspot;
    const clientSecrets = [hubspot.clientSecret, ...hubspot.previousClientSecrets];
    const shared = {
      clientSecrets,
      publicUrl: config.server.publicUrl,
      maxBodyBytes,
      allowLegacy: hubspot.allowLegacySignatures,
    };
    router.post(
      '/webhooks/hubspot',
      counted(
        'hubspot_webhook',
        metrics,
        createWebhookMiddleware({
          ...shared,
          onEvents: async (events, { rawBody, signatureVersion, malformed }) => {
            await store({
              platform: 'hubspot',
              channel: 'webhook',
              accountId: accountOf(events) ?? malformed[0]?.accountId ?? null,
              signatureVersion,
              body: rawBody.toString('utf8'),
              events,
              malformed,
            });
          },
          onError: (error) => logger.error({ err: error }, 'HubSpot delivery not stored'),
        }),
      ),
    );
    router.post(
      '/webhooks/hubspot/workflow-action',
      counted(
        'hubspot_workflow_action',
        metrics,
        createWorkflowActionMiddleware({
          ...shared,
          allowLegacy: true,
          onExecution: async (_execution, event, { rawBody, signatureVersion }) => {
            await store({
              platform: 'hubspot',
              channel: 'workflow_action',
              accountId: event.accountId,
              signatureVersion,
              body: rawBody.toString('utf8'),
              events: [event],
            });
          },
        }),
      ),
    );
  }

  const salesforceWorkspaces = config.workspaces.flatMap((w) =>
    w.salesforce
      ? [
          {
            workspaceId: w.id,
            organizationId: w.salesforce.organizationId,
            endpointToken: w.salesforce.endpointToken,
          },
        ]
      : [],
  );
  router.post(
    '/webhooks/salesforce/:token',
    counted(
      'salesforce_outbound_message',
      metrics,
      createOutboundMessageMiddleware({
        resolveToken: createTokenResolver(salesforceWorkspaces),
        maxBodyBytes,
        onNotifications: async (message, { rawBody, organizationId }) => {
          const events = toCrmEvents(message);
          await store({
            platform: 'salesforce',
            channel: 'outbound_message',
            accountId: organizationId,
            signatureVersion: null,
            body: rawBody.toString('utf8'),
            events,
          });
        },
        onError: (error) => logger.warn({ code: error.code, status: error.status }, error.message),
      }),
    ),
  );
  return router;
}
