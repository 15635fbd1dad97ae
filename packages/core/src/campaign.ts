import { z } from 'zod';
import { parseDurationMs } from './duration.js';
import { platformSchema } from './event.js';
import { fieldPathProblem } from './rules/resolve.js';
import { templateProblem } from './variables/engine.js';

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);

export const isoDurationSchema = z.string().refine((text) => parseDurationMs(text) !== null, {
  message: 'expected an ISO-8601 duration such as P2D or PT10S',
});

/**
 * A campaign's `trigger:` rule clause: which CRM change fires the campaign (platform,
 * object, `on`, and for property changes the property and its target value). Not the
 * message sent to the mail platform (`CampaignTrigger`).
 */
export const triggerClauseSchema = z
  .object({
    platform: platformSchema,
    object: z
      .string()
      .min(1)
      .transform((s) => s.toLowerCase()),
    on: z.enum(['created', 'property_change', 'deleted', 'outbound_message', 'any']),
    property: z.string().min(1).optional(),
    to: scalarSchema.optional(),
    in: z.array(scalarSchema).min(1).optional(),
  })
  // A typo (`too: closedwon`) must fail: accepted, the campaign would fire on every change.
  .strict()
  .superRefine((trigger, ctx) => {
    if (trigger.on === 'property_change' && trigger.property === undefined) {
      ctx.addIssue({ code: 'custom', path: ['property'], message: 'required when on is property_change' });
    }
    if (trigger.on === 'outbound_message' && trigger.platform !== 'salesforce') {
      ctx.addIssue({ code: 'custom', path: ['on'], message: 'outbound_message needs platform salesforce' });
    }
    if ((trigger.to !== undefined || trigger.in !== undefined) && trigger.property === undefined) {
      ctx.addIssue({ code: 'custom', path: ['property'], message: 'required when to or in is set' });
    }
    if (trigger.to !== undefined && trigger.in !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['in'], message: 'use either to or in, not both' });
    }
  });
export type TriggerClause = z.infer<typeof triggerClauseSchema>;

/** One leaf test on a field of the enriched records. */
export const conditionLeafSchema = z
  .object({
    field: z.string().min(1),
    equals: scalarSchema.optional(),
    in: z.array(scalarSchema).optional(),
    exists: z.boolean().optional(),
    contains: z.string().optional(),
    gt: z.union([z.number(), z.string()]).optional(),
    lt: z.union([z.number(), z.string()]).optional(),
    matches: z.string().optional(),
  })
  .strict()
  .superRefine((leaf, ctx) => {
    const ops = ['equals', 'in', 'exists', 'contains', 'gt', 'lt', 'matches'] as const;
    const used = ops.filter((op) => leaf[op] !== undefined);
    if (used.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one operator of ${ops.join(', ')}; got ${used.length === 0 ? 'none' : used.join(', ')}`,
      });
    }
    const fieldProblem = fieldPathProblem(leaf.field);
    if (fieldProblem !== null) ctx.addIssue({ code: 'custom', path: ['field'], message: fieldProblem });
    if (leaf.matches !== undefined) {
      try {
        new RegExp(leaf.matches);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['matches'], message: 'not a valid regular expression' });
      }
    }
  });
export type ConditionLeaf = z.infer<typeof conditionLeafSchema>;

export type Condition = ConditionLeaf | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const allSchema: z.ZodType<Condition> = z.lazy(() => z.object({ all: z.array(conditionSchema) }).strict());
const anySchema: z.ZodType<Condition> = z.lazy(() => z.object({ any: z.array(conditionSchema) }).strict());
const notSchema: z.ZodType<Condition> = z.lazy(() => z.object({ not: conditionSchema }).strict());

/**
 * `all` / `any` / `not` over leaves, nested as deep as needed. The branch is chosen by key
 * rather than by trying each (z.union), so a typo is reported where it is
 * (`conditions.all[0]: Unrecognized key: "equal"`) instead of as one "Invalid input".
 */
export const conditionSchema: z.ZodType<Condition, unknown> = z
  .unknown()
  .transform((value, ctx): Condition => {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    const branch =
      isObject && 'all' in value
        ? allSchema
        : isObject && 'any' in value
          ? anySchema
          : isObject && 'not' in value
            ? notSchema
            : conditionLeafSchema;
    const result = branch.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      // An unknown key keeps its keys and the branch's known ones, so a caller can say what was meant.
      const params =
        issue.code === 'unrecognized_keys' && issue.path.length === 0
          ? {
              unknownKeys: issue.keys,
              knownKeys: branch === conditionLeafSchema ? Object.keys(conditionLeafSchema.shape) : [],
            }
          : issue.code === 'custom'
            ? issue.params
            : undefined;
      ctx.addIssue({
        code: 'custom',
        path: issue.path,
        message: issue.message,
        input: value,
        ...(params ? { params } : {}),
      });
    }
    return z.NEVER;
  });

/** Who a campaign's piece goes to: the event's person, a person associated with its record, or a company. */
export const recipientModeSchema = z.enum(['contact', 'associated_contact', 'company']);
export type RecipientMode = z.infer<typeof recipientModeSchema>;

/**
 * Which associated contact(s) `associated_contact` addresses when a record has several:
 * - `primary` (default): the one the CRM marks primary (a HubSpot association label containing
 *   "primary"; Salesforce `OpportunityContactRole.IsPrimary`), else the first;
 * - `first`: the first the CRM lists, whatever is marked;
 * - `all`: every associated contact, one decision and piece per contact.
 */
export const recipientSelectSchema = z.enum(['primary', 'first', 'all']);
export type RecipientSelect = z.infer<typeof recipientSelectSchema>;

/**
 * `recipient: contact` or, to choose among several associated contacts,
 * `recipient: { type: associated_contact, select: all }` (`select` only with `associated_contact`).
 */
const campaignRecipientSchema = z.union([
  recipientModeSchema,
  z
    .object({ type: recipientModeSchema, select: recipientSelectSchema.optional() })
    .strict()
    .refine((r) => r.select === undefined || r.type === 'associated_contact', {
      message: 'select applies to recipient type associated_contact only',
      path: ['select'],
    }),
]);

/** Mailing rules of a campaign (the `policy` block), with defaults filled. */
export const campaignPolicySchema = z
  .object({
    oncePerRecipient: z.boolean().default(true),
    cooldownDays: z.number().int().nonnegative().optional(),
    maxPerRecipient: z
      .object({ count: z.number().int().positive(), days: z.number().int().positive() })
      .strict()
      .optional(),
    dailyCap: z.number().int().positive().optional(),
    delay: isoDurationSchema.optional(),
    /**
     * Whom once-per-recipient, cooldowns and caps count: `record` (when absent) the CRM record
     * (after merges), `person` the person across objects and CRMs, by the hash of the
     * normalised e-mail address, else of the normalised postal address.
     */
    identity: z.enum(['record', 'person']).optional(),
  })
  .strict();
export type CampaignPolicy = z.infer<typeof campaignPolicySchema>;

/**
 * A campaign as written in `hookpost.config.yaml` (the configuration reference), defaults filled.
 *
 * @example
 * const campaign = campaignSchema.parse({
 *   id: 'welcome-pack', name: 'Welcome pack', destination: 'mailer',
 *   trigger: { platform: 'hubspot', object: 'contact', on: 'property_change', property: 'lifecyclestage', to: 'customer' },
 * });
 * campaign.policy.oncePerRecipient; // true
 */
export const campaignSchema = z
  .object({
    id: z
      .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a string') })
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    name: z.string().min(1).optional(),
    enabled: z.boolean().default(true),
    destination: z.string().min(1),
    trigger: triggerClauseSchema,
    conditions: conditionSchema.optional(),
    recipient: campaignRecipientSchema.default('contact'),
    variables: z
      .record(z.string(), z.string())
      .default({})
      .superRefine((templates, ctx) => {
        for (const [name, source] of Object.entries(templates)) {
          const problem = templateProblem(source);
          if (problem !== null) ctx.addIssue({ code: 'custom', path: [name], message: problem });
        }
      }),
    policy: campaignPolicySchema.default({ oncePerRecipient: true }),
  })
  .strict()
  .transform(({ recipient, ...c }) => {
    const chosen = typeof recipient === 'string' ? { type: recipient } : recipient;
    return {
      ...c,
      name: c.name ?? c.id,
      recipient: chosen.type,
      recipientSelect: chosen.select ?? ('primary' as RecipientSelect),
    };
  });
export type Campaign = z.infer<typeof campaignSchema>;
export type CampaignInput = z.input<typeof campaignSchema>;
