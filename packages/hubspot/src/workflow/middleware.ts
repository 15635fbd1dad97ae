import type { CrmEvent } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import { receiveSigned } from '../http/receive.js';
import { sendError, sendJson, sendRefusal, sendUnavailable } from '../http/respond.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  type DeliveryContext,
  type NodeMiddleware,
} from '../http/webhook-middleware.js';
import { parseWorkflowAction, type WorkflowActionExecution } from './parse.js';
import { DEFAULT_REPLAY_WINDOW_MS, type ReplayGuard } from './replay.js';

/**
 * Tells HubSpot the action continues asynchronously; we complete it with
 * `completeCallback` once the mail is handed over (default expiry: one week).
 * https://developers.hubspot.com/docs/api/automation/custom-workflow-actions#asynchronous-custom-action-execution
 */
export const BLOCK_RESPONSE = { outputFields: { hs_execution_state: 'BLOCK' } } as const;

export interface WorkflowActionMiddlewareOptions {
  clientSecrets: readonly string[];
  publicUrl: string;
  /** The durable write; the action is acknowledged (BLOCK) only after it resolves. */
  onExecution: (
    execution: WorkflowActionExecution,
    event: CrmEvent,
    context: DeliveryContext,
  ) => Promise<void>;
  maxBodyBytes?: number;
  toleranceMs?: number;
  /** Workflow actions are documented as v2-signed, so legacy is on by default here. */
  allowLegacy?: boolean;
  now?: () => number;
  onError?: (error: unknown) => void;
  /**
   * Refuses a signature already accepted within `replayWindowMs` (401, reason `replayed`).
   * Needed for v1/v2, whose signatures carry no signed time. Without it, repeats are only
   * de-duplicated by `callbackId` downstream.
   */
  replayGuard?: ReplayGuard;
  /** How long an accepted signature is remembered; default 3 days. */
  replayWindowMs?: number;
}

/**
 * A Node/Express 5 handler for the "Send direct mail" custom workflow action: verifies
 * (v3, else v2 — a timestamp header, when sent, must be within the tolerance), refuses a
 * signature seen before (`replayGuard`), parses, awaits `onExecution`, answers 200 BLOCK.
 * 401 / 400 / 413 / 503 as for webhooks (a 5xx makes HubSpot retry for up to 3 days).
 *
 * @example
 * app.post('/webhooks/hubspot/workflow-action', createWorkflowActionMiddleware({
 *   clientSecrets: [secret], publicUrl, onExecution: (execution, event) => inbox.insert(event),
 * }));
 */
export function createWorkflowActionMiddleware(options: WorkflowActionMiddlewareOptions): NodeMiddleware {
  if (options.clientSecrets.length === 0) {
    throw new HookpostHubSpotError('invalid_options', 'clientSecrets is empty: pass the app client secret');
  }
  const now = options.now ?? Date.now;
  const receiveOptions = {
    clientSecrets: options.clientSecrets,
    publicUrl: options.publicUrl,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    toleranceMs: options.toleranceMs,
    allowLegacy: options.allowLegacy ?? true,
    now,
  };
  const replayWindowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  return async function hubSpotWorkflowActionMiddleware(req, res) {
    let parsed: ReturnType<typeof parseWorkflowAction>;
    let context: DeliveryContext;
    let replayKey: string | undefined;
    try {
      const received = await receiveSigned(req, receiveOptions);
      if (!received.ok) {
        sendRefusal(res, received.reason, received.bodyRead);
        return;
      }
      // Only the v3 timestamp is signed; an unsigned one never dates the event.
      const signedAt = received.signatureVersion === 'v3' ? received.timestampMs : undefined;
      const bodyText = received.rawBody.toString('utf8');
      parsed = parseWorkflowAction(bodyText, { receivedAt: new Date(signedAt ?? now()) });
      // One execution per request: an unreadable one is the whole request, answered 400.
      context = {
        rawBody: received.rawBody,
        bodyText,
        signatureVersion: received.signatureVersion,
        malformed: [],
      };
      if (options.replayGuard) {
        replayKey = `${received.signatureVersion}:${received.signature}`;
        if (!(await options.replayGuard.claim(replayKey, now() + replayWindowMs))) {
          sendRefusal(res, 'replayed', true);
          return;
        }
      }
    } catch (error) {
      if (!(error instanceof HookpostHubSpotError) || error.status >= 500) options.onError?.(error);
      sendError(res, error);
      return;
    }
    try {
      await options.onExecution(parsed.execution, parsed.event, context);
    } catch (error) {
      options.onError?.(error);
      if (replayKey !== undefined) await options.replayGuard?.release(replayKey).catch(options.onError);
      sendUnavailable(res);
      return;
    }
    sendJson(res, 200, BLOCK_RESPONSE);
  };
}
