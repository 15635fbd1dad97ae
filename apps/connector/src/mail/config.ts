import { MAIL_STATUSES } from '@hookpost/core';
import { z } from 'zod';

/**
 * `destinations.<name>.cancelUrl`: where a piece cancelled after hand-off is cancelled at the
 * platform; `{id}` is replaced by the trigger id (URL-encoded).
 */
export const cancelUrlSchema = z.string().refine((text) => {
  try {
    const url = new URL(text.replaceAll('{id}', 'x'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http(s) URL, optionally with {id}');

/** `destinations.<name>.statusSecret`: the `whsec_` key status webhooks are signed with, when not `secret`. */
export const statusSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'expected a Standard Webhooks secret (whsec_…)');

/** The statuses written back to the CRM, plus `handed_off` (the trigger was delivered). */
export const WRITE_BACK_STATUSES = ['handed_off', ...MAIL_STATUSES] as const;

/**
 * `workspaces[].mailStatus`: what the workspace does with the platform's reports. Write-back
 * also needs the CRM's own `writeBack: true` (and API access).
 *
 * ```yaml
 * mailStatus:
 *   writeBack: [handed_off, mailed, delivered, returned_to_sender]   # default: every status
 *   addressCorrections: true    # write a corrected address to the CRM record (default false)
 * ```
 */
export const mailStatusConfigSchema = z
  .object({
    writeBack: z.array(z.enum(WRITE_BACK_STATUSES)).default([...WRITE_BACK_STATUSES]),
    addressCorrections: z.boolean().default(false),
  })
  .strict();
export type MailStatusConfig = z.infer<typeof mailStatusConfigSchema>;

export const DEFAULT_MAIL_STATUS_CONFIG: MailStatusConfig = {
  writeBack: [...WRITE_BACK_STATUSES],
  addressCorrections: false,
};
