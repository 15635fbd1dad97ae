export { jsonDepth, MAX_JSON_DEPTH } from '@hookpost/core';
export * from './adapter/index.js';
export {
  createHubSpotClient,
  type HubSpotClient,
  type HubSpotClientOptions,
  type RecordProperties,
} from './client/client.js';
export type { HubSpotPropertyDefinition } from './client/schemas.js';
export { HookpostHubSpotError, type HookpostHubSpotErrorCode } from './errors.js';
export { type AssociationLink, eventIdFor, webhookExternalId } from './events/ids.js';
export { type MalformedItem, malformedItem } from './events/malformed.js';
export { toCrmEvent } from './events/normalise.js';
export { objectTypeFromId } from './events/object-types.js';
export { type ParsedWebhookDelivery, parseWebhookBatch, parseWebhookDelivery } from './events/parse.js';
export {
  type HubSpotWebhookEvent,
  hubSpotWebhookEventSchema,
  MAX_DATE_MS,
  MAX_EVENTS_PER_BATCH,
} from './events/schema.js';
export { readRawBody } from './http/read-body.js';
export {
  createWebhookMiddleware,
  DEFAULT_MAX_BODY_BYTES,
  type DeliveryContext,
  type NodeMiddleware,
  type WebhookMiddlewareOptions,
} from './http/webhook-middleware.js';
export {
  createInstallFlow,
  INSTALL_COOKIE,
  type InstallCheckFailure,
  type InstallFlow,
  type InstallFlowOptions,
  type UsedStates,
} from './oauth/install-flow.js';
export { createOAuth, type OAuth, type OAuthOptions } from './oauth/oauth.js';
export { HOOKPOST_SCOPES } from './oauth/scopes.js';
export type { StateFailureReason, StateResult } from './oauth/state.js';
export {
  createTokenProvider,
  type StoredTokens,
  type TokenProviderOptions,
  type TokenStore,
} from './oauth/token-provider.js';
export type { OAuthTokens } from './oauth/token-response.js';
export type { HeaderBag } from './signature/headers.js';
export {
  checkSignatureHeaders,
  type HeaderCheck,
  type HeaderCheckOptions,
} from './signature/precheck.js';
export {
  type RawBody,
  type SignedV3Headers,
  type SignRequestV3Options,
  signRequestV3,
} from './signature/sign.js';
export { decodeV3Url } from './signature/url.js';
export {
  DEFAULT_TOLERANCE_MS,
  type SignatureFailureReason,
  type SignatureVersion,
  type VerifyResult,
  type VerifySignatureOptions,
  verifySignature,
} from './signature/verify.js';
export {
  BLOCK_RESPONSE,
  createWorkflowActionMiddleware,
  type WorkflowActionMiddlewareOptions,
} from './workflow/middleware.js';
export {
  createOptionsFetchMiddleware,
  type FieldOption,
  type OptionsFetchMiddlewareOptions,
  type OptionsFetchRequest,
  parseOptionsFetch,
} from './workflow/options-fetch.js';
export { parseWorkflowAction, type WorkflowActionExecution } from './workflow/parse.js';
export { createMemoryReplayGuard, DEFAULT_REPLAY_WINDOW_MS, type ReplayGuard } from './workflow/replay.js';
export {
  type CorrectedAddress,
  MAIL_CONTACT_PROPERTIES,
  type MailActivityInput,
  writeCorrectedAddress,
  writeMailActivity,
} from './write-back/mail-activity.js';
