import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { answerError } from './errors.js';
import type { bodyGate } from './limits.js';
import type { requestTracker } from './request-id.js';
import type { CountedRoute } from './routes/inbound.js';

/** What a hand-routed request goes through before its handler, as the Express chain does. */
export interface HandRouting {
  track: ReturnType<typeof requestTracker>;
  admit: ReturnType<typeof bodyGate>;
}

type Params = Record<string, string>;
type Matcher = (segments: readonly string[]) => Params | null;

/**
 * A route path (`/webhooks/salesforce/:token`) as a matcher of a request path's segments
 * with Express's router options here (case-sensitive, strict): literal segments compared
 * exactly, `:name` one non-empty segment, decoded. `null` when it does not match, or when a
 * parameter's `%`-escape is malformed (Express answers that one: 400).
 */
function matcherOf(path: string): Matcher {
  const parts = path.split('/');
  return (segments) => {
    if (segments.length !== parts.length) return null;
    let params: Params | null = null;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const segment = segments[i] as string;
      if (part.startsWith(':')) {
        if (segment === '') return null;
        let value: string;
        try {
          value = decodeURIComponent(segment);
        } catch {
          return null;
        }
        params ??= {};
        params[part.slice(1)] = value;
      } else if (part !== segment) return null;
    }
    return params ?? {};
  };
}

/**
 * The connector's request listener: the CRM ingest POSTs are served here on `node:http`,
 * everything else (and any request these do not match exactly) by the Express app.
 *
 * Why by hand: in the Salesforce ingest profile (one notification per request, so the
 * per-request cost is what counts), Express's router and its middleware chain took 7 % of
 * the connector's CPU (`router/index.js` handle/next, `_handlesMethod`, `express/application`
 * handle), about as much as its SQLite inserts; a few string compares do the same routing.
 * Each hand-routed request goes through what Express's chain gives it: a request id and its
 * log line (`requestTracker`), the bodies-in-flight cap (`bodyGate`, the same counter), the
 * route's metrics, and the JSON error answer (`answerError`).
 */
export function handRouted(
  routes: readonly CountedRoute[],
  fallback: RequestListener,
  { track, admit }: HandRouting,
): RequestListener {
  const posts = routes
    .filter((route) => route.method === 'POST')
    .map((route) => ({ match: matcherOf(route.path), handler: route.handler }));
  return function routeRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    if (req.method !== 'POST' || url.charCodeAt(0) !== 47 /* / */ || url.includes('#')) {
      fallback(req, res);
      return;
    }
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const segments = path.split('/');
    for (const { match, handler } of posts) {
      const params = match(segments);
      if (params === null) continue;
      const scope = track(req, res, () => path);
      if (!admit(req, res)) return;
      // The Salesforce route reads its `:token` here, as under Express.
      (req as IncomingMessage & { params?: Params }).params = params;
      handler(req, res).catch((error: unknown) => answerError(error, res, scope));
      return;
    }
    fallback(req, res);
  };
}
