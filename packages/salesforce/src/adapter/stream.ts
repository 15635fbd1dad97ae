import type { StreamContext, StreamHandle, StreamStatus } from '@hookpost/core';
import type { CdcStatus } from '../cdc/status.js';
import { createCdcSubscriber } from '../cdc/subscriber.js';
import type { CdcTransport } from '../cdc/transport.js';
import type { SalesforceClient } from '../client/client.js';
import { toOrgId18 } from '../org-id.js';
import type { SalesforceWorkspaceSettings } from './settings.js';

/**
 * Subscribes one workspace to Change Data Capture through the self-healing subscriber: each
 * batch goes to `accept` (one transaction) before its replay id is stored; stream errors
 * resubscribe with jittered back-off; a refused replay id resumes from EARLIEST/LATEST and the
 * gap is logged at error level and counted. With a host `lease`, one process per org and
 * channel holds the subscription and the others stand by, taking over when the holder dies.
 */
export function startCdcStream(
  {
    workspace,
    accept,
    positions,
    logger,
    lease,
    leaseRenewMs,
    onGap,
  }: StreamContext<SalesforceWorkspaceSettings>,
  transport: CdcTransport,
  client: SalesforceClient | null,
): StreamHandle | null {
  const sf = workspace.settings;
  if (!sf.cdc?.enabled) return null;
  const channel = sf.cdc.channel;
  const organizationId = toOrgId18(sf.organizationId);
  const name = `salesforce:${organizationId}:${channel}`;
  const log = { workspace: workspace.id, channel };
  const subscriber = createCdcSubscriber({
    transport,
    replayStore: positions,
    organizationId,
    channel,
    skipChangeOrigins: sf.cdc.skipChangeOrigins,
    ...(lease ? { lease: lease(name) } : {}),
    ...(leaseRenewMs !== undefined ? { leaseRenewMs } : {}),
    ...(client
      ? {
          changedRecordIds: (entity: string, since: Date, until: Date) =>
            client.changedRecordIds(entity, since, until),
          mastersOfDeleted: (entity: string, ids: readonly string[]) => client.mastersOfDeleted(entity, ids),
        }
      : {}),
    onEvents: async (events) => {
      await accept({
        platform: 'salesforce',
        channel: 'cdc',
        accountId: sf.organizationId,
        signatureVersion: null,
        body: JSON.stringify(events.map((e) => e.source)),
        events,
      });
    },
    onGap: (gap) => {
      onGap?.(name);
      logger.error({ ...log, gap }, 'CDC replay gap: events in this range may be lost; re-read the org');
    },
    onError: (error) => logger.warn({ ...log, code: error.code }, error.message),
  });
  subscriber.start().then(
    () => logger.info({ ...log, state: subscriber.status().state }, 'CDC subscriber started'),
    (error: unknown) => logger.error({ ...log, err: error }, 'CDC subscription failed to start'),
  );
  return {
    stop: () => subscriber.stop(),
    status: () => streamStatus(name, subscriber.status()),
  };
}

function streamStatus(name: string, status: CdcStatus): StreamStatus {
  return {
    name,
    state: status.state,
    healthy: status.state !== 'backing_off',
    lastError: status.lastError,
    gaps: status.gaps,
  };
}
