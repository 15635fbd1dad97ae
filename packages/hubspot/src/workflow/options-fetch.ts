import { z } from 'zod';
import { HookpostHubSpotError } from '../errors.js';
import { receiveSigned } from '../http/receive.js';
import { sendError, sendJson, sendUnavailable } from '../http/respond.js';
import { DEFAULT_MAX_BODY_BYTES, type NodeMiddleware } from '../http/webhook-middleware.js';

const id = z.union([z.number().int(), z.string().min(1)]);

/**
 * What HubSpot POSTs to an input field's `optionsUrl` when a user opens the field in the
 * workflow editor ("Using external data" in the custom action reference).
 * https://developers.hubspot.com/docs/api-reference/latest/automation/workflow-actions/custom-action-reference#using-external-data
 */
export const optionsFetchRequestSchema = z.looseObject({
  origin: z.looseObject({ portalId: id, actionDefinitionId: id.optional() }),
  inputFieldName: z.string().min(1),
  inputFields: z.record(z.string(), z.unknown()).optional(),
  objectTypeId: z.string().optional(),
  fetchOptions: z.looseObject({ q: z.string().optional(), after: z.string().optional() }).optional(),
});

export interface OptionsFetchRequest {
  portalId: string;
  inputFieldName: string;
  /** The user's search text when the field is searchable; '' otherwise. */
  query: string;
}

export interface FieldOption {
  value: string;
  label: string;
  description?: string;
}

export interface OptionsFetchMiddlewareOptions {
  clientSecrets: readonly string[];
  publicUrl: string;
  /** The options for this portal's field; `[]` when there are none. */
  optionsFor: (request: OptionsFetchRequest) => Promise<FieldOption[]>;
  maxBodyBytes?: number;
  toleranceMs?: number;
  /** Workflow-action calls may be signed v2 only, so legacy is on by default, as for executions. */
  allowLegacy?: boolean;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** Parses an options-fetch body; throws `invalid_payload` (400) naming the first problem. */
export function parseOptionsFetch(rawBody: Buffer | string): OptionsFetchRequest {
  let json: unknown;
  try {
    json = JSON.parse(String(rawBody));
  } catch {
    throw new HookpostHubSpotError('malformed_payload', 'options fetch body is not JSON', { status: 400 });
  }
  const parsed = optionsFetchRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HookpostHubSpotError(
      'malformed_payload',
      `options fetch: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      { status: 400 },
    );
  }
  return {
    portalId: String(parsed.data.origin.portalId),
    inputFieldName: parsed.data.inputFieldName,
    query: parsed.data.fetchOptions?.q ?? '',
  };
}

/**
 * A Node/Express 5 handler for a workflow action field's `optionsUrl`: verifies HubSpot's
 * signature (v3, else v2) like the action execution, then answers
 * `{ options: [{ value, label, description? }], searchable: true }`, filtered by the
 * user's search text (`fetchOptions.q`, case-insensitive, on label and value).
 * 401 on a bad signature, 400 on a malformed body, 503 when `optionsFor` fails.
 *
 * @example
 * app.post('/webhooks/hubspot/workflow-action/options', createOptionsFetchMiddleware({
 *   clientSecrets: [secret], publicUrl,
 *   optionsFor: async ({ portalId }) => campaignsOf(portalId).map((c) => ({ value: c.id, label: c.name })),
 * }));
 */
export function createOptionsFetchMiddleware(options: OptionsFetchMiddlewareOptions): NodeMiddleware {
  if (options.clientSecrets.length === 0) {
    throw new HookpostHubSpotError('invalid_options', 'clientSecrets is empty: pass the app client secret');
  }
  const receiveOptions = {
    clientSecrets: options.clientSecrets,
    publicUrl: options.publicUrl,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    toleranceMs: options.toleranceMs,
    allowLegacy: options.allowLegacy ?? true,
    now: options.now,
  };
  return async function hubSpotOptionsFetchMiddleware(req, res) {
    let request: OptionsFetchRequest;
    try {
      const received = await receiveSigned(req, receiveOptions);
      if (!received.ok) {
        sendJson(res, 401, { error: 'invalid_signature', reason: received.reason });
        return;
      }
      request = parseOptionsFetch(received.rawBody);
    } catch (error) {
      if (!(error instanceof HookpostHubSpotError) || error.status >= 500) options.onError?.(error);
      sendError(res, error);
      return;
    }
    let found: FieldOption[];
    try {
      found = await options.optionsFor(request);
    } catch (error) {
      options.onError?.(error);
      sendUnavailable(res);
      return;
    }
    const q = request.query.trim().toLowerCase();
    const matching = q
      ? found.filter((o) => o.label.toLowerCase().includes(q) || o.value.toLowerCase().includes(q))
      : found;
    sendJson(res, 200, { options: matching, searchable: true });
  };
}
