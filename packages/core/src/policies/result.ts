/** Why a matched campaign does not send; shown as `skipped:<reason>` (the pipeline guarantees). */
export type SkipReason =
  | 'incomplete_address'
  | 'undeliverable_address'
  | 'missing_name'
  | 'suppressed'
  | 'already_sent'
  | 'cooldown'
  | 'cap_reached'
  | 'daily_cap_reached';

/** One policy's verdict; `detail` says what exactly, for the operator. */
export type PolicyResult = { allow: true } | { allow: false; reason: SkipReason; detail?: string };

export const ALLOW: PolicyResult = Object.freeze({ allow: true });

export const DAY_MS = 86_400_000;
