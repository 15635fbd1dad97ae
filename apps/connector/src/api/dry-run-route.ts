import { type Request, type Response, Router } from 'express';
import type { ConnectorContext } from '../runtime.js';
import { dryRunEvents } from './dry-run.js';
import { eventsFromBody, parseDryRunBody } from './dry-run-input.js';
import { AdminApiError } from './errors.js';

/** `POST /dry-run`: what the worker would decide for these events, without storing anything. */
export function dryRunRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  router.post('/dry-run', async function dryRun(req: Request, res: Response) {
    const body = parseDryRunBody(req.body, ctx.registry);
    if (body.workspace && !ctx.workspaces.byId(body.workspace)) {
      const known = ctx.workspaces.all.map((w) => w.id).join(', ') || 'none';
      throw new AdminApiError('bad_request', `unknown workspace "${body.workspace}" (known: ${known})`);
    }
    const events = eventsFromBody(body, ctx.registry);
    const results = await dryRunEvents(
      { db: ctx.handle.db, workspaces: ctx.workspaces, registry: ctx.registry },
      events,
      body.workspace ? { workspace: body.workspace } : {},
    );
    res.json({ events: results });
  });
  return router;
}
