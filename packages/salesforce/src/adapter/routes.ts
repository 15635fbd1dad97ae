import { createHash } from 'node:crypto';
import type {
  AcceptDelivery,
  AdapterLogger,
  AdapterWorkspace,
  InboundRoute,
  MalformedItem,
} from '@hookpost/core';
import { createOutboundMessageMiddleware } from '../outbound/middleware.js';
import { toCrmEvents } from '../outbound/normalise.js';
import { createTokenResolver } from '../outbound/token.js';
import type { FailedNotification } from '../outbound/types.js';
import type { SalesforceWorkspaceSettings } from './settings.js';

/** The outbound-message endpoint; `:token` is the workspace's secret `endpointToken`. */
export const SALESFORCE_OUTBOUND_PATH = '/webhooks/salesforce/:token';

/**
 * The outbound-message route: the URL token names the workspace (compared in constant time),
 * the SOAP body is parsed and checked against the workspace's org id, and Salesforce gets its
 * `<Ack>true</Ack>` only after `accept` stored the notifications (else a SOAP fault, and it
 * retries).
 */
export function outboundMessageRoute(
  workspaces: readonly AdapterWorkspace<SalesforceWorkspaceSettings>[],
  accept: AcceptDelivery,
  logger: AdapterLogger,
  maxBodyBytes: number | undefined,
): InboundRoute {
  const resolveToken = createTokenResolver(
    workspaces.map((w) => ({
      workspaceId: w.id,
      organizationId: w.settings.organizationId,
      endpointToken: w.settings.endpointToken,
    })),
  );
  return {
    method: 'POST',
    path: SALESFORCE_OUTBOUND_PATH,
    channel: 'salesforce_outbound_message',
    handler: createOutboundMessageMiddleware({
      resolveToken,
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
      onNotifications: async (message, { rawText, organizationId }) => {
        await accept({
          platform: 'salesforce',
          channel: 'outbound_message',
          accountId: organizationId,
          signatureVersion: null,
          body: rawText,
          events: toCrmEvents(message),
          malformed: message.failedNotifications.map((failed) => malformedNotification(failed)),
        });
      },
      onError: (error) => logger.warn({ code: error.code, status: error.status }, error.message),
    }),
  };
}

/**
 * An unreadable Notification as a stored `failed` item: keyed by a hash of its XML (the
 * Notification Id may be what is missing), so Salesforce's resend stores it once.
 */
function malformedNotification(failed: FailedNotification): MalformedItem {
  return {
    raw: failed.rawXml,
    error: failed.error,
    externalId: `malformed:${createHash('sha256').update(failed.rawXml).digest('hex')}`,
  };
}
