import type { IncomingMessage } from 'node:http';
import { joinPublicUrl } from '../signature/url.js';

/** Express rewrites `req.url` inside routers; `originalUrl` keeps what the client sent. */
interface RequestWithOriginalUrl extends IncomingMessage {
  originalUrl?: string;
}

/** The absolute URL HubSpot signed: configured public URL + the path and query received. */
export function signedUrlOf(req: IncomingMessage, publicUrl: string): string {
  const pathAndQuery = (req as RequestWithOriginalUrl).originalUrl ?? req.url ?? '/';
  return joinPublicUrl(publicUrl, pathAndQuery);
}
