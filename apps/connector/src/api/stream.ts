import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ConnectorContext } from '../runtime.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { parseOrThrow } from './errors.js';
import { eventItem } from './serialise.js';

/** How often the stream looks for new and newly decided events. */
export const STREAM_POLL_MS = 1000;
/** A comment line this often keeps proxies from closing an idle stream (HTML §9.2 "server-sent events"). */
const HEARTBEAT_MS = 15_000;
/** Pending events whose decision the stream still reports, at most. */
const WATCHED_MAX = 500;
const BATCH = 100;

const streamQuery = z.object({ workspace: z.string().min(1).max(200).optional() }).strict();

/**
 * `GET /events/stream`: Server-Sent Events. Each stored event is sent once as `event: event`
 * (its list item, the SSE id being its cursor, so a reconnecting `EventSource` resumes with
 * `Last-Event-ID`), and again as `event: decided` once the worker has decided it. Without
 * `Last-Event-ID` the stream starts with what arrives from now on. It reads the store, so it
 * sees events taken in by any connector process sharing the database.
 */
export function streamRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  const { db } = ctx.handle;

  router.get('/events/stream', function streamEvents(req: Request, res: Response) {
    const { workspace } = parseOrThrow(streamQuery, req.query, 'query');
    const resume = req.get('last-event-id');
    let position = resume ? decodeCursor(resume) : { at: Date.now(), id: '' };
    const watched = new Set<string>();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n\n`);
    const send = (type: string, id: string | null, data: unknown) =>
      res.write(`event: ${type}\n${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`);

    let busy = false;
    let closed = false;
    // The HTTP server of this socket: once it stops listening (the connector is shutting
    // down), the stream ends, so an open console never holds a graceful stop up.
    const server = (req.socket as unknown as { server?: { listening?: boolean } }).server;
    async function tick(): Promise<void> {
      if (busy || closed) return;
      if (server?.listening === false) {
        // Close the connection too: an idle keep-alive socket would still hold the stop up.
        res.end(() => req.socket.destroy());
        return;
      }
      busy = true;
      try {
        let query = db
          .selectFrom('events')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb('received_at', '>', position.at),
              eb.and([eb('received_at', '=', position.at), eb('id', '>', position.id)]),
            ]),
          );
        if (workspace) query = query.where('workspace_id', '=', workspace);
        const rows = await query.orderBy('received_at').orderBy('id').limit(BATCH).execute();
        for (const row of rows) {
          position = { at: Number(row.received_at), id: row.id };
          send('event', encodeCursor(position), eventItem(row));
          if (row.status === 'pending' && watched.size < WATCHED_MAX) watched.add(row.id);
        }
        if (watched.size > 0) {
          const decided = await db
            .selectFrom('events')
            .selectAll()
            .where('id', 'in', [...watched])
            .where('status', '!=', 'pending')
            .execute();
          for (const row of decided) {
            watched.delete(row.id);
            send('decided', null, eventItem(row));
          }
        }
      } catch (error) {
        req.log.warn({ err: error }, 'event stream poll failed');
      } finally {
        busy = false;
      }
    }
    const poll = setInterval(() => void tick(), STREAM_POLL_MS);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    void tick();
    req.on('close', () => {
      closed = true;
      clearInterval(poll);
      clearInterval(heartbeat);
    });
  });

  return router;
}
