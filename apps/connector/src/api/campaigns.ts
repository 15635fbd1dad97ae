import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ConnectorContext } from '../runtime.js';
import { parseOrThrow } from './errors.js';

const funnelQuery = z
  .object({
    workspace: z.string().min(1).max(200).optional(),
    from: z.iso
      .datetime({ offset: true })
      .transform((v) => Date.parse(v))
      .optional(),
    to: z.iso
      .datetime({ offset: true })
      .transform((v) => Date.parse(v))
      .optional(),
  })
  .strict();

/**
 * `GET /campaigns`: each configured campaign with its funnel over a time range (default: all
 * time) — events that matched its trigger, how many were skipped and why, pieces triggered,
 * and pieces by status (delivered, pending, dead, cancelled). Decisions are counted by
 * their decision time, pieces by their creation time.
 */
export function campaignRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  const { db } = ctx.handle;

  router.get('/campaigns', async function campaigns(req: Request, res: Response) {
    const q = parseOrThrow(funnelQuery, req.query, 'query');
    let decisions = db
      .selectFrom('decisions')
      .select(['workspace_id', 'campaign_id', 'outcome', 'reason', (eb) => eb.fn.countAll().as('n')])
      .where('outcome', '!=', 'no_match')
      .groupBy(['workspace_id', 'campaign_id', 'outcome', 'reason']);
    let triggers = db
      .selectFrom('triggers')
      .select(['workspace_id', 'campaign_id', 'status', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['workspace_id', 'campaign_id', 'status']);
    if (q.workspace) {
      decisions = decisions.where('workspace_id', '=', q.workspace);
      triggers = triggers.where('workspace_id', '=', q.workspace);
    }
    if (q.from !== undefined) {
      decisions = decisions.where('created_at', '>=', q.from);
      triggers = triggers.where('created_at', '>=', q.from);
    }
    if (q.to !== undefined) {
      decisions = decisions.where('created_at', '<', q.to);
      triggers = triggers.where('created_at', '<', q.to);
    }
    const [decisionRows, triggerRows] = await Promise.all([decisions.execute(), triggers.execute()]);
    const data = ctx.config.workspaces
      .filter((w) => !q.workspace || w.id === q.workspace)
      .flatMap((workspace) =>
        workspace.campaigns.map((campaign) => {
          const mine = <T extends { workspace_id: string; campaign_id: string }>(rows: T[]) =>
            rows.filter((r) => r.workspace_id === workspace.id && r.campaign_id === campaign.id);
          const skippedByReason: Record<string, number> = {};
          let matched = 0;
          let triggered = 0;
          for (const row of mine(decisionRows)) {
            const n = Number(row.n);
            matched += n;
            if (row.outcome === 'triggered') triggered += n;
            else
              skippedByReason[row.reason ?? 'unknown'] = (skippedByReason[row.reason ?? 'unknown'] ?? 0) + n;
          }
          const pieces: Record<string, number> = { pending: 0, delivered: 0, dead: 0, cancelled: 0 };
          for (const row of mine(triggerRows)) pieces[row.status] = (pieces[row.status] ?? 0) + Number(row.n);
          return {
            workspace: workspace.id,
            id: campaign.id,
            name: campaign.name ?? campaign.id,
            destination: campaign.destination,
            funnel: { matched, skipped: matched - triggered, skippedByReason, triggered, pieces },
          };
        }),
      );
    res.json({ data });
  });

  return router;
}
