import type { StreamContext, StreamHandle } from '@hookpost/core';
import { createCdcSubscriber } from '../cdc/subscriber.js';
import type { CdcTransport } from '../cdc/transport.js';
import type { SalesforceWorkspaceSettings } from './settings.js';

const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 60_000;

/**
 * Subscribes one workspace to Change Data Capture: each batch goes to `accept` (one
 * transaction) before its replay id is stored; a dropped stream is resumed from the stored
 * replay id after a back-off doubling from 1 s to 60 s. Several processes may subscribe at
 * once: the host's inbox absorbs the duplicates by event id.
 */
export function startCdcStream(
  { workspace, accept, positions, logger }: StreamContext<SalesforceWorkspaceSettings>,
  transport: CdcTransport,
): StreamHandle | null {
  const sf = workspace.settings;
  if (!sf.cdc?.enabled) return null;
  const channel = sf.cdc.channel;
  const log = { workspace: workspace.id, channel };
  let delayMs = RESTART_MIN_MS;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const subscriber = createCdcSubscriber({
    transport,
    replayStore: positions,
    organizationId: sf.organizationId,
    channel,
    skipChangeOrigins: sf.cdc.skipChangeOrigins,
    onEvents: async (events) => {
      await accept({
        platform: 'salesforce',
        channel: 'cdc',
        accountId: sf.organizationId,
        signatureVersion: null,
        body: JSON.stringify(events.map((e) => e.source)),
        events,
      });
      delayMs = RESTART_MIN_MS;
    },
    onError: (error) => {
      logger.warn({ ...log, code: error.code }, error.message);
      if (subscriber.failure() && !stopped && !timer) {
        timer = setTimeout(() => {
          timer = null;
          subscriber.start().catch((e: unknown) => logger.error({ ...log, err: e }, 'CDC restart failed'));
        }, delayMs);
        delayMs = Math.min(delayMs * 2, RESTART_MAX_MS);
      }
    },
  });
  subscriber.start().then(
    () => logger.info(log, 'CDC subscription started'),
    (error: unknown) => logger.error({ ...log, err: error }, 'CDC subscription failed to start'),
  );
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await subscriber.stop();
    },
  };
}
