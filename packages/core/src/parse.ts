import { type Campaign, campaignSchema } from './campaign.js';
import { HookpostCoreError } from './errors.js';
import { type CrmEvent, crmEventSchema } from './event.js';
import { toIssues } from './result.js';

/**
 * Parses an untrusted event (a stored row, a dry-run file) or throws
 * `HookpostCoreError('invalid_event')` listing every issue by path.
 *
 * @example
 * const event = parseCrmEvent(JSON.parse(readFileSync('event.json', 'utf8')));
 */
export function parseCrmEvent(input: unknown): CrmEvent {
  const result = crmEventSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error.issues);
  throw new HookpostCoreError('invalid_event', `not a CrmEvent: ${describe(issues)}`, {
    cause: result.error,
    issues,
  });
}

/**
 * Parses one campaign block (the configuration reference), defaults filled, or throws
 * `HookpostCoreError('invalid_campaign')` listing every issue by path.
 *
 * @example
 * const campaign = parseCampaign({ id: 'welcome-pack', destination: 'mailer', trigger: { platform: 'hubspot', object: 'contact', on: 'created' } });
 */
export function parseCampaign(input: unknown): Campaign {
  const result = campaignSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error.issues);
  throw new HookpostCoreError('invalid_campaign', `invalid campaign: ${describe(issues)}`, {
    cause: result.error,
    issues,
  });
}

function describe(issues: { path: string; message: string }[]): string {
  return issues
    .map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`))
    .join('; ');
}
