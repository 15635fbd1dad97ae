import type { IncomingMessage, ServerResponse } from 'node:http';
import { HookpostSalesforceError } from '../errors.js';
import { sameOrgId, toOrgId18 } from '../org-id.js';
import { buildAck, buildSoapFault, SOAP_CONTENT_TYPE } from './ack.js';
import { readRawBody } from './body.js';
import { parseOutboundMessage } from './parse.js';
import { redactSessionIdText } from './redact.js';
import type { ResolveToken } from './token.js';
import type { OutboundMessage } from './types.js';
import type { XmlLimits } from './xml-limits.js';

/**
 * Default body limit: 4 MiB. Salesforce sends up to 100 notifications per message; with
 * long text fields 100 of them come to well over 1 MB (~1.3 MB measured), and a refused
 * message is retried for 24 hours, then dropped.
 */
export const DEFAULT_OUTBOUND_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** What {@link createOutboundMessageMiddleware} hands to `onNotifications` beside the message. */
export interface OutboundMessageContext {
  workspaceId: string;
  /** The workspace's organization id in its 18-character form. */
  organizationId: string;
  /** The body as received except a `SessionId`'s text, replaced by `[redacted]`: safe to store. */
  rawBody: Buffer;
  /** `rawBody` as UTF-8 text (decoded once per request, for a store that keeps text). */
  rawText: string;
}

/** Options of {@link createOutboundMessageMiddleware}. */
export interface OutboundMessageMiddlewareOptions {
  resolveToken: ResolveToken;
  /** The app's durable write; Salesforce gets its Ack only after this resolves. */
  onNotifications: (message: OutboundMessage, context: OutboundMessageContext) => Promise<void> | void;
  /** Default {@link DEFAULT_OUTBOUND_MAX_BODY_BYTES} (4 MiB); over it the answer is 413. */
  maxBodyBytes?: number;
  /** Element, attribute and depth caps checked before parsing (400 when passed). */
  xmlLimits?: XmlLimits;
  /**
   * Called with every refused request (for logs and metrics), with the detailed reason —
   * e.g. `unknown_token` vs `organization_mismatch`, which both answer the same 401.
   * Never given secrets.
   */
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

// The same bytes for every acknowledged message: built once.
const ACK = buildAck(true);

// One answer for every authentication failure: which check failed is logged, not told.
const UNAUTHORISED = 'not authorised: check the endpoint URL of the outbound message';

/**
 * The endpoint for Salesforce outbound messages (`POST /webhooks/salesforce/:token`), for
 * Express 5 or plain `node:http`. It authenticates the URL token before reading the body,
 * then reads (raw-body), checks XML limits, parses, checks the OrganizationId, awaits
 * `onNotifications` (raw body with `SessionId` redacted), then acknowledges. Refusals answer
 * a SOAP fault: 401 unknown token or org mismatch (the same answer), 400 malformed or past
 * the XML limits, 413 too large, 415 wrong type, 503 store failed (Salesforce retries a non-2xx).
 *
 * @example
 * app.post('/webhooks/salesforce/:token', createOutboundMessageMiddleware({
 *   resolveToken: createTokenResolver(workspaces),
 *   onNotifications: (message, { workspaceId }) => inbox.store(workspaceId, toCrmEvents(message)),
 * }));
 */
export function createOutboundMessageMiddleware(options: OutboundMessageMiddlewareOptions) {
  const { resolveToken, onNotifications, onError, xmlLimits } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_OUTBOUND_MAX_BODY_BYTES;
  const parseOptions = xmlLimits ? { limits: xmlLimits } : {};

  async function handle(req: OutboundMessageRequest): Promise<string> {
    // A synchronous resolver's answer is used as it is: no promise hop per request.
    const resolved = resolveToken(tokenOf(req));
    const workspace = resolved instanceof Promise ? await resolved : resolved;
    if (!workspace)
      throw new HookpostSalesforceError(
        'unknown_token',
        'unknown endpoint token: check the outbound-message URL',
      );
    checkContentType(req);
    const rawBody = await readBody(req, maxBodyBytes);
    // Decoded once: parsed, redacted and handed over as this text.
    const text = rawBody.toString('utf8');
    const message = parseOutboundMessage(text, parseOptions);
    if (!sameOrgId(message.organizationId, workspace.organizationId)) {
      throw new HookpostSalesforceError(
        'organization_mismatch',
        'OrganizationId does not match the workspace of this endpoint token',
      );
    }
    const rawText = redactSessionIdText(text);
    try {
      await onNotifications(message, {
        workspaceId: workspace.workspaceId,
        organizationId: toOrgId18(workspace.organizationId),
        // Nothing redacted: the body as received, not a copy.
        rawBody: rawText === text ? rawBody : Buffer.from(rawText, 'utf8'),
        rawText,
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
    return ACK;
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
      answer(
        res,
        error.status,
        buildSoapFault(error.status === 401 ? UNAUTHORISED : error.message, faultCode),
      );
    }
  };
}
