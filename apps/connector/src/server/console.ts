import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_MS, type Sessions } from '../api/session.js';

/**
 * The console's Content-Security-Policy: only the connector's own files, no inline script
 * or style, no framing, no plugins (MDN "Content-Security-Policy"; the console uses no CDN).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleOptions {
  /** Signs sessions with the admin token and checks a sign-in's token. */
  sessions: Sessions;
  /** Folder of the built console (`index.html` + `assets/`); defaults to `@hookpost/console`'s `dist`. */
  root?: string | null;
}

/** Where `npm run build` put the console, or null when it was not built. */
export function consoleRoot(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@hookpost/console/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : null;
  } catch {
    return null;
  }
}

const signIn = z.object({ token: z.string().min(1).max(1000) }).strict();

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  next();
}

/**
 * `GET /` → `/console/`; the console's static files under `/console/`; `POST
 * /console/session` signs in with the admin token and sets an HttpOnly, SameSite=Strict
 * session cookie plus a readable CSRF cookie the page sends back as a header;
 * `DELETE /console/session` signs out.
 */
export function consoleRoutes({ sessions, root = consoleRoot() }: ConsoleOptions): Router {
  // strict: `/console` and `/console/` are different routes (else the redirect loops).
  const router = express.Router({ strict: true });
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.get('/console', (_req, res) => res.redirect(301, '/console/'));
  router.use('/console', securityHeaders);

  router.post('/console/session', express.json({ limit: '4kb' }), function createSession(req, res) {
    const parsed = signIn.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', message: 'send {"token": "<HOOKPOST_ADMIN_TOKEN>"}' });
      return;
    }
    const origin = req.get('origin');
    if (origin && origin !== `${req.protocol}://${req.get('host')}`) {
      res.status(403).json({ error: 'forbidden', message: `sign-in from origin ${origin} refused` });
      return;
    }
    if (!sessions.isAdminToken(parsed.data.token)) {
      req.log.warn({ reason: 'wrong admin token' }, 'console sign-in 401');
      res.status(401).json({ error: 'unauthorized', message: 'that is not the admin token' });
      return;
    }
    const { session, csrf } = sessions.issue();
    const common = { sameSite: 'strict' as const, secure: req.secure, path: '/', maxAge: SESSION_TTL_MS };
    res.cookie(SESSION_COOKIE, session, { ...common, httpOnly: true });
    res.cookie(CSRF_COOKIE, csrf, { ...common, httpOnly: false });
    req.log.info('console sign-in');
    res.status(204).end();
  });

  router.delete('/console/session', function deleteSession(_req, res) {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(CSRF_COOKIE, { path: '/' });
    res.status(204).end();
  });

  if (root) {
    router.use(
      '/console/assets',
      express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
    );
    router.get('/console/', function consoleIndex(_req, res) {
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(join(root, 'index.html'));
    });
    router.use('/console', express.static(root, { index: false }));
  } else {
    router.get('/console/', function consoleMissing(_req, res) {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `npm run build` (it builds apps/console), then restart.');
    });
  }
  return router;
}
