import type { IncomingMessage, ServerResponse } from 'node:http';
import { HookpostSalesforceError } from '../errors.js';
import { sameOrgId, toOrgId18 } from '../org-id.js';
import { buildAck, buildSoapFault, SOAP_CONTENT_TYPE } from './ack.js';
import { readRawBody } from './body.js';
import { parseOutboundMessage } from './parse.js';
import type { ResolveToken } from './token.js';
import type { OutboundMessage } from './types.js';

/** What {@link createOutboundMessageMiddleware} hands to `onNotifications` beside the message. */
export interface OutboundMessageContext {
  workspaceId: string;
  /** The workspace's organization id in its 18-character form. */
  organizationId: string;
  rawBody: Buffer;
}

/** Options of {@link createOutboundMessageMiddleware}. */
export interface OutboundMessageMiddlewareOptions {
  resolveToken: ResolveToken;
  /** The app's durable write; Salesforce gets its Ack only after this resolves. */
  onNotifications: (message: OutboundMessage, context: OutboundMessageContext) => Promise<void> | void;
  maxBodyBytes?: number;
  /** Called with every refused request (for logs and metrics); never given secrets. */
  onError?: (error: HookpostSalesforceError) => void;
}

/** What the middleware reads from a request: Express 5 `req` and plain `node:http` both fit. */
export type OutboundMessageRequest = IncomingMessage & {
  params?: Record<string, string | undefined>;
  body?: unknown;
};

const ACCEPTED_TYPES = new Set(['text/xml', 'application/soap+xml']);

function tokenOf(req: OutboundMessageRequest): string {
  const fromParams = req.params?.token;
  if (fromParams !== undefined) return fromParams;
  const path = (req.url ?? '').split('?')[0] ?? '';
  const segments = path.split('/').filter((s) => s !== '');
  try {
    return decodeURIComponent(segments.at(-1) ?? '');
  } catch {
    return ''; // malformed %-escape: no workspace has it
  }
}

function checkContentType(req: OutboundMessageRequest): void {
  const header = req.headers['content-type'];
  if (header === undefined) return; // Salesforce always sends text/xml; a missing header is parsed anyway
  const type = header.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED_TYPES.has(type)) {
    throw new HookpostSalesforceError(
      'unsupported_media_type',
      `Content-Type ${type.slice(0, 60)} is not accepted: send text/xml (SOAP 1.1)`,
    );
  }
}

/** Express (`express.raw()`/`express.text()`) may have read the body already. */
function readBody(req: OutboundMessageRequest, maxBodyBytes: number): Promise<Buffer> {
  const parsed = req.body;
  if (Buffer.isBuffer(parsed) || typeof parsed === 'string') {
    const body = Buffer.isBuffer(parsed) ? parsed : Buffer.from(parsed, 'utf8');
    if (body.length > maxBodyBytes) {
      return Promise.reject(
        new HookpostSalesforceError('body_too_large', `request body is larger than ${maxBodyBytes} bytes`),
      );
    }
    return Promise.resolve(body);
  }
  if (req.readableEnded) {
    // A server misconfiguration, not a bad request: surfaces through `next(error)` / 500.
    return Promise.reject(
      new Error(
        '[@hookpost/salesforce] the request body was already consumed by another body parser: mount the outbound-message middleware before it, or use express.raw()',
      ),
    );
  }
  return readRawBody(req, maxBodyBytes);
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', SOAP_CONTENT_TYPE);
  if (status === 413) res.setHeader('connection', 'close');
  res.end(body);
}

/**
 * The endpoint for Salesforce outbound messages (`POST /webhooks/salesforce/:token`), for
 * Express 5 or plain `node:http`. It authenticates the URL token and the OrganizationId,
 * reads and parses the body, awaits `onNotifications`, then acknowledges. Refusals answer a
 * SOAP fault: 401 token/org, 400 malformed, 413 too large, 415 wrong type, 503 store failed
 * (Salesforce retries a non-2xx).
 *
 * @example
 * app.post('/webhooks/salesforce/:token', createOutboundMessageMiddleware({
 *   resolveToken: createTokenResolver(workspaces),
 *   onNotifications: (message, { workspaceId }) => inbox.store(workspaceId, toCrmEvents(message)),
 * }));
 */
export function createOutboundMessageMiddleware(options: OutboundMessageMiddlewareOptions) {
  const { resolveToken, onNotifications, maxBodyBytes = 1_000_000, onError } = options;

  async function handle(req: OutboundMessageRequest): Promise<string> {
    const workspace = await resolveToken(tokenOf(req));
    if (!workspace)
      throw new HookpostSalesforceError(
        'unknown_token',
        'unknown endpoint token: check the outbound-message URL',
      );
    checkContentType(req);
    const rawBody = await readBody(req, maxBodyBytes);
    const message = parseOutboundMessage(rawBody);
    if (!sameOrgId(message.organizationId, workspace.organizationId)) {
      throw new HookpostSalesforceError(
        'organization_mismatch',
        'OrganizationId does not match the workspace of this endpoint token',
      );
    }
    try {
      await onNotifications(message, {
        workspaceId: workspace.workspaceId,
        organizationId: toOrgId18(workspace.organizationId),
        rawBody,
      });
    } catch (cause) {
      throw new HookpostSalesforceError(
        'store_failed',
        'notifications could not be stored: Salesforce will retry',
        {
          cause,
        },
      );
    }
    return buildAck(true);
  }

  return async function salesforceOutboundMessageMiddleware(
    req: OutboundMessageRequest,
    res: ServerResponse,
    next?: (error?: unknown) => void,
  ): Promise<void> {
    try {
      answer(res, 200, await handle(req));
    } catch (error) {
      if (!(error instanceof HookpostSalesforceError)) {
        if (next) return next(error);
        answer(res, 500, buildSoapFault('internal error', 'soapenv:Server'));
        return;
      }
      onError?.(error);
      const faultCode = error.status >= 500 ? 'soapenv:Server' : 'soapenv:Client';
      answer(res, error.status, buildSoapFault(error.message, faultCode));
    }
  };
}
