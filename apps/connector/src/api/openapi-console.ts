import { isoTime, json, nullable, ref, schemaOf } from './openapi-schemas.js';
import type { JsonSchema, OpenApiOperation, OpenApiParameter } from './openapi-types.js';
import { deadFilterBody } from './query.js';
import { suppressionBody } from './suppressions.js';

/** Paths and shapes the operator console uses, merged into the admin API's OpenAPI document. */

const errors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
};
const op = (o: OpenApiOperation): OpenApiOperation => ({ ...o, responses: { ...o.responses, ...errors } });
const query = (
  name: string,
  schema: JsonSchema,
  description: string,
  required = false,
): OpenApiParameter => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const string = { type: 'string' };
const workspace = query('workspace', string, 'only this workspace');
const range = [
  query('from', { type: 'string', format: 'date-time' }, 'at or after this instant'),
  query('to', { type: 'string', format: 'date-time' }, 'before this instant'),
];
const counts = { type: 'object', additionalProperties: { type: 'integer' } };
const address = {
  type: ['object', 'null'],
  properties: {
    line1: string,
    line2: nullable('string'),
    postalCode: nullable('string'),
    city: nullable('string'),
    region: nullable('string'),
    country: { type: 'string', description: 'ISO 3166-1 alpha-2' },
  },
};

/** The campaign trigger as the destination receives it (Standard Webhooks body). */
export const triggerPayloadSchema: JsonSchema = {
  type: 'object',
  required: [
    'type',
    'id',
    'createdAt',
    'workspace',
    'campaign',
    'recipient',
    'variables',
    'sendAt',
    'source',
  ],
  properties: {
    type: { const: 'campaign.trigger' },
    id: { type: 'string', description: 'trg_…; also the webhook-id header' },
    createdAt: { type: 'string', format: 'date-time' },
    workspace: string,
    campaign: { type: 'object', properties: { id: string, name: string } },
    recipient: {
      type: 'object',
      properties: {
        crm: {
          type: 'object',
          properties: {
            platform: { type: 'string', description: 'the CRM adapter, e.g. hubspot or salesforce' },
            objectType: string,
            objectId: string,
          },
        },
        firstName: nullable('string'),
        lastName: nullable('string'),
        company: nullable('string'),
        address,
      },
    },
    variables: { type: 'object', additionalProperties: { type: 'string' } },
    sendAt: isoTime,
    source: {
      type: 'object',
      properties: {
        platform: { type: 'string', description: 'the CRM adapter, e.g. hubspot or salesforce' },
        accountId: string,
        eventIds: { type: 'array', items: string },
        occurredAt: { type: 'string', format: 'date-time' },
      },
    },
  },
};

const suppression = {
  type: 'object',
  properties: {
    id: string,
    workspace: string,
    kind: { enum: ['email', 'crm', 'address'] },
    hash: { type: 'string', description: 'SHA-256 of the normalised value; the value itself is not stored' },
    reason: string,
    createdAt: { type: 'string', format: 'date-time' },
  },
};

export const consoleSchemas: Record<string, JsonSchema> = {
  TriggerPayload: triggerPayloadSchema,
  Suppression: suppression,
};

export const consolePaths: Record<string, Record<string, OpenApiOperation>> = {
  '/events/stream': {
    get: op({
      operationId: 'streamEvents',
      summary: 'Server-Sent Events: `event` for each new event, `decided` when the worker has decided it',
      tags: ['events'],
      parameters: [workspace],
      responses: { '200': { description: 'text/event-stream; each data line is an EventItem' } },
    }),
  },
  '/triggers/{id}/resend': {
    post: op({
      operationId: 'resendTrigger',
      summary: 'Send a delivered trigger once more under the same webhook-id',
      tags: ['triggers'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: string }],
      responses: {
        '202': json('queued for the dispatcher', {
          type: 'object',
          properties: { id: string, status: { const: 'pending' } },
        }),
        '404': json('no such id', ref('Error')),
        '409': json('not delivered', ref('Error')),
      },
    }),
  },
  '/stats/series': {
    get: op({
      operationId: 'getStatsSeries',
      summary:
        'Events and pieces per time bucket and status (last hour by minute, day by hour, 30 days by day)',
      tags: ['stats'],
      parameters: [
        query('range', { enum: ['hour', 'day', 'month'], default: 'day' }, 'how far back'),
        workspace,
      ],
      responses: {
        '200': json('the buckets', {
          type: 'object',
          properties: {
            range: string,
            bucketMs: { type: 'integer' },
            buckets: {
              type: 'array',
              items: {
                type: 'object',
                properties: { at: { type: 'string', format: 'date-time' }, events: counts, triggers: counts },
              },
            },
          },
        }),
      },
    }),
  },
  '/suppressions': {
    get: op({
      operationId: 'listSuppressions',
      summary: 'List suppressions, newest first; q finds an e-mail or CRM id by its hash, or a reason',
      tags: ['suppressions'],
      parameters: [
        workspace,
        query('q', string, 'e-mail, CRM record id, suppression id or reason text'),
        query('limit', { type: 'integer' }, '1–200'),
        query('cursor', string, 'nextCursor of the previous page'),
      ],
      responses: {
        '200': json('a page', {
          type: 'object',
          properties: { data: { type: 'array', items: ref('Suppression') }, nextCursor: nullable('string') },
        }),
      },
    }),
    post: op({
      operationId: 'addSuppression',
      summary: 'Suppress a person by e-mail, CRM record and/or postal address (stored as hashes)',
      tags: ['suppressions'],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(suppressionBody) } } },
      responses: {
        '201': json('the suppressions in force', {
          type: 'object',
          properties: { data: { type: 'array', items: ref('Suppression') } },
        }),
      },
    }),
  },
  '/suppressions/import': {
    post: op({
      operationId: 'importSuppressions',
      summary:
        'Import a CSV (header: email, platform, objectType, objectId, workspace, reason); all rows or none',
      tags: ['suppressions'],
      requestBody: { required: true, content: { 'text/csv': { schema: string } } },
      responses: {
        '201': json('imported', {
          type: 'object',
          properties: { rows: { type: 'integer' }, suppressions: { type: 'integer' } },
        }),
      },
    }),
  },
  '/suppressions/{id}': {
    delete: op({
      operationId: 'removeSuppression',
      summary: 'Remove a suppression (not one recording a privacy deletion)',
      tags: ['suppressions'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: string }],
      responses: {
        '204': { description: 'removed' },
        '404': json('no such id', ref('Error')),
        '409': json('a privacy deletion', ref('Error')),
      },
    }),
  },
  '/people': {
    get: op({
      operationId: 'getPerson',
      summary: 'Everything about one recipient: events, decisions, pieces, suppressions',
      tags: ['people'],
      parameters: [query('q', string, 'CRM record id, e-mail address or name', true), workspace],
      responses: {
        '200': json('what was found', {
          type: 'object',
          properties: {
            match: { enum: ['crm_id', 'email', 'text'], description: 'how q was read' },
            events: { type: 'array', items: ref('EventItem') },
            decisions: { type: 'array', items: ref('Decision') },
            triggers: { type: 'array', items: ref('TriggerItem') },
            suppressions: { type: 'array', items: ref('Suppression') },
          },
        }),
      },
    }),
  },
  '/campaigns': {
    get: op({
      operationId: 'listCampaigns',
      summary: 'Each campaign with its funnel: matched → skipped by reason → triggered → pieces by status',
      tags: ['campaigns'],
      parameters: [workspace, ...range],
      responses: {
        '200': json('the campaigns', {
          type: 'object',
          properties: {
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  workspace: string,
                  id: string,
                  name: string,
                  destination: string,
                  funnel: {
                    type: 'object',
                    properties: {
                      matched: { type: 'integer' },
                      skipped: { type: 'integer' },
                      skippedByReason: counts,
                      triggered: { type: 'integer' },
                      pieces: counts,
                    },
                  },
                },
              },
            },
          },
        }),
      },
    }),
  },
};

/** The body `POST /triggers/replay-dead` takes. */
export const replayDeadBody = schemaOf(deadFilterBody);
