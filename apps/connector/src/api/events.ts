import { type Request, type Response, Router } from 'express';
import type { ConnectorContext } from '../runtime.js';
import { replayEvent } from '../store/replay.js';
import { newestFirst, page } from './cursor.js';
import { AdminApiError, parseOrThrow } from './errors.js';
import { eventListQuery, idParams } from './query.js';
import { readRecipientTerm, recipientFilter } from './recipient.js';
import { decisionRuns, eventDetail, eventItem, triggerItem } from './serialise.js';

/** `GET /events`, `GET /events/:id`, `POST /events/:id/replay`. */
export function eventRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  const { db } = ctx.handle;

  router.get('/events', async function listEvents(req: Request, res: Response) {
    const q = parseOrThrow(eventListQuery, req.query, 'query');
    let query = db.selectFrom('events').selectAll();
    if (q.status) query = query.where('status', '=', q.status);
    if (q.platform) query = query.where('platform', '=', q.platform);
    if (q.workspace) query = query.where('workspace_id', '=', q.workspace);
    if (q.objectType) query = query.where('object_type', '=', q.objectType);
    if (q.objectId) query = query.where('object_id', '=', q.objectId);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.campaign) {
      const campaign = q.campaign;
      query = query.where('id', 'in', (eb) =>
        eb
          .selectFrom('decisions')
          .select('event_id')
          .where('campaign_id', '=', campaign)
          .where('outcome', '!=', 'no_match'),
      );
    }
    if (q.from !== undefined) query = query.where('received_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('received_at', '<', q.to);
    if (q.recipient) {
      const term = readRecipientTerm(q.recipient);
      query = query.where((eb) => recipientFilter(eb, term));
    }
    const rows = await newestFirst(query, 'received_at', q.cursor, q.limit).execute();
    res.json(page(rows, q.limit, (r) => ({ at: Number(r.received_at), id: r.id }), eventItem));
  });

  router.get('/events/:id', async function getEvent(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AdminApiError('not_found', `no event with id ${id}`);
    const [earlier, decisions, triggers] = await Promise.all([
      db
        .selectFrom('decision_history')
        .selectAll()
        .where('event_id', '=', id)
        .orderBy('run')
        .orderBy('campaign_id')
        .execute(),
      db.selectFrom('decisions').selectAll().where('event_id', '=', id).orderBy('campaign_id').execute(),
      db.selectFrom('triggers').selectAll().where('event_id', '=', id).orderBy('created_at').execute(),
    ]);
    const runs = decisionRuns([...earlier, ...decisions]);
    res.json({
      ...eventDetail(row),
      // The latest run's decisions; every run, oldest first, in `runs`.
      decisions: runs.at(-1)?.decisions ?? [],
      runs,
      triggers: triggers.map(triggerItem),
    });
  });

  router.post('/events/:id/replay', async function replayEventRoute(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const result = await replayEvent(db, ctx.workspaces, id);
    if (!result.ok) throw new AdminApiError(result.code, result.message);
    ctx.poke();
    req.log.info({ eventId: id, workspace: result.value.workspace }, 'event replay requested');
    res.status(202).json({ id, status: 'pending', workspace: result.value.workspace });
  });

  return router;
}
