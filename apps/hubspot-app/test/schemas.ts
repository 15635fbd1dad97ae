import { z } from 'zod';

/**
 * The documented fields of developer-platform project files (platform 2026.03):
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration
 * https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks
 * https://developers.hubspot.com/docs/apps/developer-platform/add-features/custom-workflow-actions
 * Strict objects, so a misspelt key fails here rather than at `hs project upload`.
 */
const uid = z.string().regex(/^[a-z0-9_-]{1,64}$/i);
const url = z.url({ protocol: /^https$/ });

export const hsprojectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.string().min(1),
  platformVersion: z.literal('2026.03'),
});

export const appSchema = z.strictObject({
  uid,
  type: z.literal('app'),
  config: z.strictObject({
    name: z.string().min(1).max(200),
    description: z.string().min(1),
    distribution: z.enum(['marketplace', 'private']),
    auth: z.strictObject({
      type: z.enum(['oauth', 'static']),
      redirectUrls: z.array(url).min(1),
      requiredScopes: z.array(z.string().min(1)).min(1),
      optionalScopes: z.array(z.string().min(1)),
      conditionallyRequiredScopes: z.array(z.string().min(1)),
    }),
    permittedUrls: z
      .strictObject({ fetch: z.array(url), iframe: z.array(url), img: z.array(url) })
      .optional(),
    support: z
      .strictObject({
        supportEmail: z.email(),
        documentationUrl: url.optional(),
        supportUrl: url.optional(),
        supportPhone: z.string().optional(),
      })
      .optional(),
  }),
});

const subscription = z.strictObject({
  subscriptionType: z.string().regex(/^[a-z_]+\.[a-zA-Z]+$/),
  objectType: z.string().min(1).optional(),
  propertyName: z.string().min(1).optional(),
  active: z.boolean(),
});

export const webhooksSchema = z.strictObject({
  uid,
  type: z.literal('webhooks'),
  config: z.strictObject({
    settings: z.strictObject({ targetUrl: url, maxConcurrentRequests: z.number().int().min(5) }),
    subscriptions: z.strictObject({
      crmObjects: z.array(
        subscription.extend({ subscriptionType: z.string().startsWith('object.'), objectType: z.string() }),
      ),
      legacyCrmObjects: z.array(subscription),
      hubEvents: z.array(subscription),
    }),
  }),
});

const inputField = z.strictObject({
  typeDefinition: z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    type: z.enum(['string', 'number', 'bool', 'enumeration', 'date', 'datetime', 'phone_number']),
    fieldType: z.enum([
      'text',
      'textarea',
      'number',
      'select',
      'radio',
      'checkbox',
      'booleancheckbox',
      'date',
    ]),
    options: z.array(z.strictObject({ value: z.string().min(1), label: z.string().min(1) })).optional(),
    optionsUrl: url.optional(),
  }),
  supportedValueTypes: z.array(z.enum(['STATIC_VALUE', 'OBJECT_PROPERTY', 'FIELD_DATA'])).min(1),
  isRequired: z.boolean(),
});

export const workflowActionSchema = z.strictObject({
  uid,
  type: z.literal('workflow-action'),
  config: z.strictObject({
    actionUrl: url,
    isPublished: z.boolean().optional(),
    supportedClients: z.array(z.strictObject({ client: z.enum(['WORKFLOWS', 'AGENTS']) })).min(1),
    inputFields: z.array(inputField).optional(),
    inputFieldDependencies: z.array(z.unknown()).optional(),
    outputFields: z.array(z.unknown()).optional(),
    labels: z.record(
      z.string(),
      z.strictObject({
        actionName: z.string().min(1),
        actionDescription: z.string().optional(),
        actionCardContent: z.string().optional(),
        appDisplayName: z.string().optional(),
        inputFieldLabels: z.record(z.string(), z.string()).optional(),
        inputFieldDescriptions: z.record(z.string(), z.string()).optional(),
        outputFieldLabels: z.record(z.string(), z.string()).optional(),
      }),
    ),
    objectTypes: z.array(z.enum(['CONTACT', 'COMPANY', 'DEAL', 'TICKET'])).min(1),
  }),
});
