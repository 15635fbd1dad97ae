import { type MailStatusReport, verifyMailStatus } from '@hookpost/core';
import { type Request, type Response, Router } from 'express';
import { Counter } from 'prom-client';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { HookpostConfig, WorkspaceConfig } from '../config/schema.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { readRequestBody } from '../server/read-body.js';
import { applyConsequences, triggerPayload } from './consequences.js';
import { recordMailStatus } from './store.js';
import { completeWaitingCallback } from './workflow.js';
import { queueWriteBack } from './write-back.js';

export interface MailStatusRouteOptions {
  config: HookpostConfig;
  handle: DatabaseHandle;
  metrics: Metrics;
  logger: Logger;
  /** Decides whether a recipient's CRM wants the piece's activity written back. */
  registry: Pick<AdapterRegistry, 'writeBackEnabled'>;
  /** Wakes the outbox when a report queued write-back. */
  onStored?: () => void;
  now?: () => number;
}

type Outcome = 'applied' | 'stale' | 'duplicate';

/** Largest status report body when `server.maxBodyBytes` is unset: a report is a few hundred bytes. */
export const DEFAULT_MAIL_STATUS_MAX_BYTES = 1_000_000;

function problem(res: Response, status: number, error: string, message: string, extra: object = {}) {
  res.status(status).json({ error, message, ...extra });
}

/** The workspaces that have a webhook destination of this name, with its status secrets. */
function candidates(config: HookpostConfig, name: string) {
  return config.workspaces.flatMap((workspace) => {
    const destination = workspace.destinations[name];
    return destination?.type === 'webhook'
      ? [{ workspace, secrets: [destination.statusSecret ?? destination.secret] }]
      : [];
  });
}

/**
 * `POST /webhooks/mail/:destination`: the mail platform reports what became of a piece.
 * Verified with Standard Webhooks against the destination's `statusSecret` (else `secret`);
 * answers 204 after the report and its consequences are committed, 401 for a bad signature
 * or a timestamp more than 5 minutes off, 404 for an unknown destination or a trigger that
 * is not this destination's, 400 for a malformed body, 413 past `server.maxBodyBytes` (default 1 MB). A
 * repeated report id is answered 204 and changes nothing.
 */
export function mailStatusRoutes(options: MailStatusRouteOptions): Router {
  const { config, handle, logger, now = Date.now } = options;
  const received = new Counter({
    name: 'hookpost_mail_statuses_total',
    help: 'Mail status reports by status and outcome (applied, stale: arrived after a later one, duplicate)',
    labelNames: ['status', 'outcome'] as const,
    registers: [options.metrics.registry],
  });
  // Case-sensitive and strict, like the CRM routes: `/Webhooks/mail/x/` is not this route.
  const router = Router({ caseSensitive: true, strict: true });

  router.post('/webhooks/mail/:destination', async function mailStatus(req: Request, res: Response) {
    const name = String(req.params.destination);
    const read = await readRequestBody(req, config.server.maxBodyBytes ?? DEFAULT_MAIL_STATUS_MAX_BYTES);
    if ('problem' in read) {
      // The rest of a refused body is not read: close the connection rather than drain it.
      if (read.problem.status === 413) res.setHeader('connection', 'close');
      return problem(res, read.problem.status, read.problem.error, read.problem.message);
    }
    const body = read.body;
    const found = candidates(config, name);
    if (found.length === 0)
      return problem(res, 404, 'unknown_destination', `no webhook destination named "${name}"`);
    let verified: { workspace: WorkspaceConfig; report: MailStatusReport } | null = null;
    let failure: ReturnType<typeof verifyMailStatus> | null = null;
    for (const candidate of found) {
      const result = verifyMailStatus(body, req.headers, candidate.secrets);
      if (result.ok) {
        verified = { workspace: candidate.workspace, report: result.report };
        break;
      }
      // A malformed body signed with this secret is this workspace's problem: say so.
      if (result.problem === 'malformed') {
        failure = result;
        break;
      }
      failure ??= result;
    }
    if (!verified) {
      const f = failure as Extract<ReturnType<typeof verifyMailStatus>, { ok: false }>;
      if (f.problem === 'malformed') return problem(res, 400, 'malformed', f.message, { issues: f.issues });
      return problem(res, 401, 'invalid_signature', f.message);
    }
    const { workspace, report } = verified;
    const at = now();
    const outcome = await handle.db.transaction().execute(async (trx) => {
      const trigger = await trx
        .selectFrom('triggers')
        .select(['id', 'destination', 'workspace_id'])
        .where('id', '=', report.triggerId)
        .executeTakeFirst();
      if (!trigger || trigger.workspace_id !== workspace.id || trigger.destination !== name) return null;
      const recorded = await recordMailStatus(trx, handle.dialect, {
        workspaceId: workspace.id,
        destination: name,
        triggerId: trigger.id,
        report,
        now: at,
      });
      if (!recorded) return null;
      if (recorded.duplicate) return { outcome: 'duplicate' as Outcome, queued: 0 };
      const payload = triggerPayload(recorded.trigger);
      await completeWaitingCallback(trx, {
        trigger: recorded.trigger,
        previous: recorded.previous,
        current: recorded.current,
        trackingId: report.trackingId ?? recorded.trigger.mail_tracking_id,
        expectedDeliveryAt: report.expectedDeliveryAt ?? recorded.trigger.mail_expected_delivery_at,
        now: at,
      });
      await applyConsequences(trx, { trigger: recorded.trigger, payload, report, now: at });
      const queued = payload
        ? await queueWriteBack(trx, {
            workspace,
            writeBackEnabled: options.registry.writeBackEnabled,
            trigger: recorded.trigger,
            payload,
            report,
            moved: recorded.moved,
            now: at,
          })
        : 0;
      return { outcome: (recorded.moved ? 'applied' : 'stale') as Outcome, queued };
    });
    if (!outcome)
      return problem(
        res,
        404,
        'unknown_trigger',
        `no trigger ${report.triggerId} was sent to destination "${name}"`,
      );
    received.inc({ status: report.status, outcome: outcome.outcome });
    if (outcome.queued > 0) options.onStored?.();
    logger.info(
      { triggerId: report.triggerId, status: report.status, outcome: outcome.outcome },
      'mail status received',
    );
    res.status(204).end();
  });
  return router;
}
