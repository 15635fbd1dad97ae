export * from './adapter/index.js';
export * from './address.js';
export * from './campaign.js';
export * from './duration.js';
export * from './errors.js';
export * from './event.js';
export { eventIdFor, eventIdTime } from './event-id.js';
export { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
export * from './mail-status/index.js';
export { type BoundedCacheOptions, boundedCache } from './memo/bounded.js';
export { parseCampaign, parseCrmEvent } from './parse.js';
export { checkAddress } from './policies/address-policy.js';
export { type ApplyPoliciesInput, type ApplyPoliciesResult, applyPolicies } from './policies/apply.js';
export {
  lockScopes,
  POLICY_DECLARATIONS,
  type PolicyDeclaration,
  type PolicyReadScope,
} from './policies/declarations.js';
export { type DedupeKeyInput, dedupeKey } from './policies/dedupe.js';
export {
  checkCooldown,
  checkDailyCap,
  checkOncePerRecipient,
  checkRecipientCap,
  type FrequencyInput,
} from './policies/frequency-policy.js';
export { hashAddress, hashCrmRef, hashEmail, identityKey, recipientKey, sha256Hex } from './policies/hash.js';
export type { Awaitable, PolicyLookups, SuppressionQuery } from './policies/lookups.js';
export type { PolicyResult, SkipReason } from './policies/result.js';
export { sendAt } from './policies/send-at.js';
export { checkSuppression, suppressionQuery } from './policies/suppression-policy.js';
export { normalizeCountry } from './postal/country.js';
export { splitStreet } from './postal/street.js';
export { type CrmRecord, type ToRecipientInput, toRecipient } from './postal/to-recipient.js';
export { MAX_ADDRESS_LINE_CHARS, validateAddress } from './postal/validate-address.js';
export { MAX_NAME_CHARS, validateRecipient } from './postal/validate-recipient.js';
export type { ValidationResult } from './result.js';
export {
  type BackoffOptions,
  type BackoffPolicy,
  backoffDelayMs,
  nextRetry,
  type RetryVerdict,
} from './retry/backoff.js';
export { parseRetryAfter } from './retry/retry-after.js';
export type { EvaluationContext, RecordsByType } from './rules/context.js';
export {
  type CompiledCampaign,
  compileCampaign,
  createEvaluator,
  evaluateCampaigns,
} from './rules/evaluate.js';
export { type BuildTriggerInput, buildTrigger } from './signing/build-trigger.js';
export { type SignedTrigger, type SignOptions, signTrigger, type TriggerHeaders } from './signing/sign.js';
export { triggerId } from './signing/trigger-id.js';
export { type HeaderBag, verifyTrigger } from './signing/verify.js';
export * from './trigger.js';
export { type RenderResult, renderVariables } from './variables/render.js';
export { variableScope } from './variables/scope.js';
