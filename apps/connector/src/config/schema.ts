import { campaignSchema, isoDurationSchema } from '@hookpost/core';
import { HOOKPOST_SCOPES } from '@hookpost/hubspot';
import { z } from 'zod';
import { cancelUrlSchema, mailStatusConfigSchema, statusSecretSchema } from '../mail/config.js';

const urlSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const retrySchema = z
  .object({
    initialDelay: isoDurationSchema.default('PT5S'),
    maxDelay: isoDurationSchema.default('PT1H'),
    maxAge: isoDurationSchema.default('PT24H'),
  })
  .strict();

const webhookDestinationSchema = z
  .object({
    type: z.literal('webhook'),
    url: urlSchema,
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'expected a Standard Webhooks secret (whsec_…)'),
    timeout: isoDurationSchema.default('PT10S'),
    retry: retrySchema.default({ initialDelay: 'PT5S', maxDelay: 'PT1H', maxAge: 'PT24H' }),
    statusSecret: statusSecretSchema.optional(),
    cancelUrl: cancelUrlSchema.optional(),
  })
  .strict();

/** Writes each trigger to the log instead of sending it: for the offline demo. */
const logDestinationSchema = z.object({ type: z.literal('log') }).strict();

export const destinationSchema = z.discriminatedUnion('type', [
  webhookDestinationSchema,
  logDestinationSchema,
]);
export type DestinationConfig = z.infer<typeof destinationSchema>;

const idText = z.union([z.string(), z.number()]).transform(String);

const hubspotWorkspaceSchema = z
  .object({
    portalId: idText,
    accessToken: z.string().min(1).optional(),
    /** JSON file with contacts/companies/deals/associations used instead of the API (demo, tests). */
    dataset: z.string().min(1).optional(),
    /** Contact property that marks "do not mail"; a truthy value suppresses the person. */
    optOutProperty: z.string().min(1).optional(),
    writeBack: z.boolean().default(false),
  })
  .strict();

const salesforceWorkspaceSchema = z
  .object({
    organizationId: z
      .string()
      .regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'expected a 15 or 18 character org id (00D…)'),
    endpointToken: z.string().min(16, 'use at least 16 random characters'),
    instanceUrl: urlSchema.optional(),
    loginUrl: urlSchema.default('https://login.salesforce.com'),
    apiVersion: z
      .string()
      .regex(/^\d+\.\d$/)
      .default('62.0'),
    auth: z
      .object({
        type: z.literal('jwt'),
        clientId: z.string().min(1),
        username: z.string().min(1),
        privateKeyFile: z.string().min(1),
      })
      .strict()
      .optional(),
    optOutField: z.string().min(1).optional(),
    writeBack: z.boolean().default(false),
    /** A JSON file of records read instead of the API (offline demo, tests). */
    dataset: z.string().min(1).optional(),
    /** Change Data Capture over the Pub/Sub API (needs `auth`). */
    cdc: z
      .object({
        enabled: z.boolean().default(true),
        channel: z
          .string()
          .regex(/^\/data\//, 'expected a /data/… channel')
          .default('/data/ChangeEvents'),
        pubSubEndpoint: z.string().min(1).optional(),
        /** changeOrigin values to ignore, e.g. the integration user's own writes. */
        skipChangeOrigins: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export const workspaceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    name: z.string().min(1).optional(),
    hubspot: hubspotWorkspaceSchema.optional(),
    salesforce: salesforceWorkspaceSchema.optional(),
    destinations: z.record(z.string(), destinationSchema),
    campaigns: z.array(campaignSchema).default([]),
    mailStatus: mailStatusConfigSchema.optional(),
  })
  .strict();
export type WorkspaceConfig = z.infer<typeof workspaceSchema>;

export const configSchema = z
  .object({
    server: z
      .object({
        publicUrl: urlSchema.transform((u) => u.replace(/\/+$/, '')),
        /** Largest inbound CRM body, bytes; unset: each CRM's own default (HubSpot 1 MB, Salesforce 4 MiB). */
        maxBodyBytes: z.number().int().positive().optional(),
      })
      .strict(),
    hubspot: z
      .object({
        appId: idText.optional(),
        clientId: z.string().min(1).optional(),
        clientSecret: z.string().min(1),
        /** Older secrets still accepted while rotating. */
        previousClientSecrets: z.array(z.string().min(1)).default([]),
        apiBaseUrl: urlSchema.default('https://api.hubapi.com'),
        allowLegacySignatures: z.boolean().default(false),
        /** Defaults: the app definition's scopes (one list in @hookpost/hubspot). */
        requiredScopes: z.array(z.string()).default([...HOOKPOST_SCOPES.required]),
        optionalScopes: z.array(z.string()).default([...HOOKPOST_SCOPES.optional]),
      })
      .strict()
      .optional(),
    workspaces: z.array(workspaceSchema).default([]),
    /** How long stored data is kept (ISO-8601 durations); see `src/retention.ts`. */
    retention: z
      .object({
        rawDeliveries: isoDurationSchema.default('P30D'),
        events: isoDurationSchema.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type HookpostConfig = z.infer<typeof configSchema>;

type Loose = Record<string, unknown>;
const asRecord = (v: unknown): Loose => (v !== null && typeof v === 'object' ? (v as Loose) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Checks that span several blocks (a campaign's destination exists, ids are unique…).
 * Runs on the raw document, beside the schema, so these problems are listed together
 * with every schema problem instead of only after the rest is fixed.
 */
export function crossReferenceIssues(raw: unknown): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const root = asRecord(raw);
  const workspaces = asArray(root.workspaces);
  const workspaceIds = new Set<unknown>();
  workspaces.forEach((w, i) => {
    const workspace = asRecord(w);
    if (workspaceIds.has(workspace.id)) {
      issues.push({
        path: ['workspaces', i, 'id'],
        message: `duplicate workspace id "${String(workspace.id)}"`,
      });
    }
    workspaceIds.add(workspace.id);
    if (workspace.hubspot !== undefined && root.hubspot === undefined) {
      issues.push({
        path: ['workspaces', i, 'hubspot'],
        message: 'a top-level hubspot block (clientSecret) is needed to verify HubSpot requests',
      });
    }
    const salesforce = asRecord(workspace.salesforce);
    if (salesforce.cdc !== undefined && salesforce.auth === undefined) {
      issues.push({
        path: ['workspaces', i, 'salesforce', 'cdc'],
        message: 'Change Data Capture needs salesforce.auth',
      });
    }
    const destinations = Object.keys(asRecord(workspace.destinations));
    const campaignIds = new Set<unknown>();
    asArray(workspace.campaigns).forEach((c, j) => {
      const campaign = asRecord(c);
      if (typeof campaign.destination === 'string' && !destinations.includes(campaign.destination)) {
        issues.push({
          path: ['workspaces', i, 'campaigns', j, 'destination'],
          message: `unknown destination "${campaign.destination}" (known: ${destinations.join(', ') || 'none'})`,
        });
      }
      const platform = asRecord(campaign.trigger).platform;
      if ((platform === 'hubspot' || platform === 'salesforce') && workspace[platform] === undefined) {
        issues.push({
          path: ['workspaces', i, 'campaigns', j, 'trigger', 'platform'],
          message: `workspace has no ${platform} block`,
        });
      }
      if (campaign.id !== undefined && campaignIds.has(campaign.id)) {
        issues.push({
          path: ['workspaces', i, 'campaigns', j, 'id'],
          message: `duplicate campaign id "${String(campaign.id)}"`,
        });
      }
      campaignIds.add(campaign.id);
    });
  });
  return issues;
}
