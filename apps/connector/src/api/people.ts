import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ConnectorContext } from '../runtime.js';
import { searchHashes } from '../store/suppressions.js';
import { parseOrThrow } from './errors.js';
import { readRecipientTerm, recipientFilter, triggerRecipientFilter } from './recipient.js';
import { decisionItem, eventItem, iso, triggerItem } from './serialise.js';

/** Rows of each kind one person view shows at most (newest first). */
export const PERSON_LIMIT = 200;

const personQuery = z
  .object({ q: z.string().trim().min(1).max(200), workspace: z.string().min(1).max(200).optional() })
  .strict();

/**
 * `GET /people?q=`: everything stored about one recipient, across CRMs — the events about
 * them, each campaign's decision on those events, the pieces made for them (with status)
 * and the suppressions that match them. `q` is a CRM record id, an e-mail address or a
 * name; `match` says how it was read and so what could be found (see `recipientFilter`).
 */
export function peopleRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  const { db } = ctx.handle;

  router.get('/people', async function person(req: Request, res: Response) {
    const q = parseOrThrow(personQuery, req.query, 'query');
    const term = readRecipientTerm(q.q);
    let events = db
      .selectFrom('events')
      .selectAll()
      .where((eb) => recipientFilter(eb, term));
    let triggers = db
      .selectFrom('triggers')
      .selectAll()
      .where((eb) => triggerRecipientFilter(eb, term));
    if (q.workspace) {
      events = events.where('workspace_id', '=', q.workspace);
      triggers = triggers.where('workspace_id', '=', q.workspace);
    }
    const [eventRows, triggerRows, suppressionRows] = await Promise.all([
      events.orderBy('received_at', 'desc').limit(PERSON_LIMIT).execute(),
      triggers.orderBy('created_at', 'desc').limit(PERSON_LIMIT).execute(),
      db
        .selectFrom('suppressions')
        .selectAll()
        .where('value', 'in', searchHashes(q.q, ctx.registry.platforms))
        .execute(),
    ]);
    const eventIds = eventRows.map((e) => e.id);
    const decisions =
      eventIds.length === 0
        ? []
        : await db
            .selectFrom('decisions')
            .selectAll()
            .where('event_id', 'in', eventIds)
            .orderBy('created_at', 'desc')
            .execute();
    res.json({
      match: term.kind,
      events: eventRows.map(eventItem),
      decisions: decisions.map((d) => ({
        eventId: d.event_id,
        decidedAt: iso(d.created_at),
        ...decisionItem(d),
      })),
      triggers: triggerRows.map(triggerItem),
      suppressions: suppressionRows.map((s) => ({
        id: s.id,
        workspace: s.workspace_id,
        kind: s.kind,
        reason: s.reason,
        createdAt: iso(s.created_at),
      })),
    });
  });

  return router;
}
