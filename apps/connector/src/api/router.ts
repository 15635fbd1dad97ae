import { jsonDepth, MAX_JSON_DEPTH } from '@hookpost/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ConnectorContext } from '../runtime.js';
import { requireBearer } from './auth.js';
import { campaignRoutes } from './campaigns.js';
import { dryRunRoutes } from './dry-run-route.js';
import { AdminApiError, adminErrorHandler } from './errors.js';
import { eventRoutes } from './events.js';
import { openApiDocument } from './openapi.js';
import { peopleRoutes } from './people.js';
import { seriesRoutes } from './series.js';
import type { Sessions } from './session.js';
import { statsRoutes } from './stats.js';
import { streamRoutes } from './stream.js';
import { suppressionRoutes } from './suppressions.js';
import { triggerRoutes } from './triggers.js';

/** Shorter bearer tokens are refused: they could be guessed. */
export const MIN_ADMIN_TOKEN_CHARS = 16;

export interface AdminApiOptions {
  /** The bearer token callers must send (`HOOKPOST_ADMIN_TOKEN` or the generated one). */
  token: string;
  /** Largest JSON body accepted (a dry-run of a 100-event batch is well below). */
  maxBodyBytes?: string | number;
  /** Console sessions: when given, the console's session cookie is accepted besides the bearer token. */
  sessions?: Sessions;
}

/**
 * The operator API mounted at `/api` (the HTTP interface): events, triggers, replay, cancel,
 * dry-run and stats behind a bearer token; `GET /openapi.json` is public so tools can
 * discover the API.
 *
 * @example
 * await startConnector({ ...options, api: (ctx) => createAdminApi(ctx, { token }) });
 * // curl -H "Authorization: Bearer $HOOKPOST_ADMIN_TOKEN" localhost:3000/api/events?status=failed
 */
export function createAdminApi(
  ctx: ConnectorContext,
  { token, maxBodyBytes = '1mb', sessions }: AdminApiOptions,
): Router {
  if (token.length < MIN_ADMIN_TOKEN_CHARS)
    throw new Error(
      `[@hookpost/connector] the admin token must have at least ${MIN_ADMIN_TOKEN_CHARS} characters`,
    );
  const router = express.Router();
  router.get('/openapi.json', function openApi(_req: Request, res: Response) {
    res.json(openApiDocument);
  });
  router.use(refuseNulInUrl);
  router.use(requireBearer(token, sessions));
  router.use(express.json({ limit: maxBodyBytes, verify: checkJsonShape }));
  // The stream before the event routes, so `/events/stream` is not read as an event id.
  router.use(streamRoutes(ctx));
  router.use(eventRoutes(ctx));
  router.use(triggerRoutes(ctx));
  router.use(dryRunRoutes(ctx));
  router.use(seriesRoutes(ctx));
  router.use(statsRoutes(ctx));
  router.use(suppressionRoutes(ctx));
  router.use(peopleRoutes(ctx));
  router.use(campaignRoutes(ctx));
  router.use(function unknownApiRoute(req: Request) {
    throw new AdminApiError('not_found', `no route for ${req.method} /api${req.path}`);
  });
  router.use(adminErrorHandler);
  return router;
}

// `%00` decodes to U+0000, which PostgreSQL text cannot hold: refused alike on both dialects.
const ENCODED_NUL = /%00/i;
// `\u0000` in JSON text: a backslash preceded by an even number of backslashes.
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/** A NUL in the path or query is a client error (400), never a database error. */
function refuseNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  if (ENCODED_NUL.test(req.originalUrl) || req.originalUrl.includes('\0')) {
    throw new AdminApiError('bad_request', 'the path or query contains a NUL character (%00)');
  }
  next();
}

/** Before parsing: JSON nested deeper than 64 levels or holding `\u0000` is refused (400). */
function checkJsonShape(_req: Request, _res: Response, raw: Buffer): void {
  const text = raw.toString('utf8');
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new AdminApiError('bad_request', `body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (ESCAPED_NUL.test(text))
    throw new AdminApiError('bad_request', 'body contains a NUL character (\\u0000)');
}
