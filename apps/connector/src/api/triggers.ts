import { type Request, type Response, Router } from 'express';
import { mailView } from '../mail/view.js';
import type { ConnectorContext } from '../runtime.js';
import { cancelTrigger } from '../store/cancel.js';
import { replayDeadTriggers, replayTrigger, resendTrigger } from '../store/replay.js';
import { newestFirst, page } from './cursor.js';
import { AdminApiError, parseOrThrow } from './errors.js';
import { deadFilterBody, idParams, triggerListQuery, workspaceQuery } from './query.js';
import { readRecipientTerm, triggerRecipientFilter } from './recipient.js';
import { triggerDetail, triggerItem } from './serialise.js';

/** Trigger listing, detail with delivery attempts and mail status, replay, replay of all dead, cancel (also after hand-off), resend. */
export function triggerRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  const { db } = ctx.handle;

  router.get('/triggers', async function listTriggers(req: Request, res: Response) {
    const q = parseOrThrow(triggerListQuery, req.query, 'query');
    let query = db.selectFrom('triggers').selectAll();
    if (q.status) query = query.where('status', '=', q.status);
    if (q.workspace) query = query.where('workspace_id', '=', q.workspace);
    if (q.campaign) query = query.where('campaign_id', '=', q.campaign);
    if (q.destination) query = query.where('destination', '=', q.destination);
    if (q.from !== undefined) query = query.where('created_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('created_at', '<', q.to);
    if (q.recipient) {
      const term = readRecipientTerm(q.recipient);
      query = query.where((eb) => triggerRecipientFilter(eb, term));
    }
    const rows = await newestFirst(query, 'created_at', q.cursor, q.limit).execute();
    res.json(page(rows, q.limit, (r) => ({ at: Number(r.created_at), id: r.id }), triggerItem));
  });

  router.post('/triggers/replay-dead', async function replayDead(req: Request, res: Response) {
    const query = parseOrThrow(workspaceQuery, req.query, 'query');
    const body = parseOrThrow(deadFilterBody, req.body ?? {}, 'body');
    const filter = { ...body, workspace: body.workspace ?? query.workspace };
    const { ids } = await replayDeadTriggers(db, filter);
    if (ids.length > 0) ctx.poke();
    req.log.info({ count: ids.length, ...filter, ids: ids.slice(0, 100) }, 'dead triggers replayed');
    res.status(202).json({ count: ids.length, ids });
  });

  router.get('/triggers/:id', async function getTrigger(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const row = await db.selectFrom('triggers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AdminApiError('not_found', `no trigger with id ${id}`);
    const attempts = await db
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('trigger_id', '=', id)
      .orderBy('attempt')
      .orderBy('started_at')
      .execute();
    res.json({ ...triggerDetail(row, attempts), mail: await mailView(db, row) });
  });

  router.post('/triggers/:id/replay', async function replayTriggerRoute(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const result = await replayTrigger(db, id);
    if (!result.ok) throw new AdminApiError(result.code, result.message);
    ctx.poke();
    req.log.info({ triggerId: id, from: result.value.previousStatus }, 'trigger replayed');
    res.status(202).json({ id, status: 'pending', previousStatus: result.value.previousStatus });
  });

  router.post('/triggers/:id/cancel', async function cancelTriggerRoute(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const result = await cancelTrigger(db, id);
    if (!result.ok) throw new AdminApiError(result.code, result.message);
    if (result.value.platformCancel) {
      // Handed off already: the outbox asks the mail platform to cancel the piece.
      req.log.info({ triggerId: id }, 'cancel at the mail platform requested by operator');
      ctx.poke();
      res
        .status(202)
        .json({ id, status: 'delivered', platformCancel: 'requested', reason: 'cancelled by operator' });
      return;
    }
    const row = await db
      .selectFrom('triggers')
      .select(['workspace_id', 'campaign_id', 'destination'])
      .where('id', '=', id)
      .executeTakeFirst();
    ctx.metrics.triggers.inc({
      status: 'cancelled',
      ...(row
        ? { workspace: row.workspace_id, campaign: row.campaign_id, destination: row.destination }
        : {}),
    });
    req.log.info({ triggerId: id, reason: 'cancelled by operator' }, 'trigger cancelled by operator');
    res.json({ id, status: 'cancelled', reason: 'cancelled by operator' });
  });

  router.post('/triggers/:id/resend', async function resendTriggerRoute(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const result = await resendTrigger(db, id);
    if (!result.ok) throw new AdminApiError(result.code, result.message);
    ctx.poke();
    req.log.info({ triggerId: id }, 'delivered trigger resent by operator');
    res.status(202).json({ id, status: 'pending', previousStatus: 'delivered' });
  });

  return router;
}
