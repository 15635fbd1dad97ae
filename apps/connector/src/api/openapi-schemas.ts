import { crmEventSchema } from '@hookpost/core';
import { z } from 'zod';
import type { JsonSchema, OpenApiDocument, OpenApiResponse } from './openapi-types.js';

/** JSON Schema of a zod schema as a client sends it (coerced query numbers show as integers). */
export function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (description: string, schema: JsonSchema): OpenApiResponse => ({
  description,
  content: { 'application/json': { schema } },
});
export const nullable = (type: string) => ({ type: [type, 'null'] });
export const isoTime = { type: ['string', 'null'], format: 'date-time' };
const counts = { type: 'object', additionalProperties: { type: 'integer' } };

const eventItem = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    platform: { type: 'string', description: 'the platform name of the CRM adapter that received the event' },
    accountId: { type: 'string' },
    workspace: nullable('string'),
    objectType: { type: 'string' },
    objectId: { type: 'string' },
    kind: { type: 'string' },
    status: {
      type: 'string',
      enum: ['pending', 'triggered', 'no_match', 'skipped', 'unrouted', 'dead', 'failed'],
    },
    reason: nullable('string'),
    occurredAt: isoTime,
    receivedAt: isoTime,
    attempts: { type: 'integer', description: 'decision attempts that failed so far' },
  },
};
const decision = {
  type: 'object',
  properties: {
    campaignId: { type: 'string' },
    outcome: { type: 'string', enum: ['triggered', 'no_match', 'skipped'] },
    reason: { ...nullable('string'), description: 'the failed clause or the skip reason code' },
    detail: nullable('string'),
    triggerId: nullable('string'),
    recipientRef: {
      ...nullable('string'),
      description: 'the recipient the decision checked (`hubspot:contact:7005`), null when there was none',
    },
  },
};
const triggerItem = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'also the webhook-id the destination receives' },
    workspace: { type: 'string' },
    campaign: { type: 'string' },
    destination: { type: 'string' },
    eventId: { type: 'string' },
    recipientRef: { type: 'string', description: 'the record the piece goes to (`hubspot:contact:7005`)' },
    status: { type: 'string', enum: ['pending', 'delivered', 'cancelled', 'dead'] },
    reason: nullable('string'),
    attemptCount: { type: 'integer' },
    lastError: nullable('string'),
    sendAt: isoTime,
    nextAttemptAt: isoTime,
    createdAt: isoTime,
    updatedAt: isoTime,
    deliveredAt: isoTime,
  },
};
const attempt = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' },
    startedAt: isoTime,
    durationMs: { type: 'integer' },
    statusCode: nullable('integer'),
    outcome: { type: 'string', enum: ['delivered', 'retry', 'dead'] },
    error: nullable('string'),
    responseBody: nullable('string'),
  },
};
const dryRunResult = {
  type: 'object',
  properties: {
    event: ref('CrmEvent'),
    workspace: nullable('string'),
    status: eventItem.properties.status,
    reason: { type: 'string' },
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...decision.properties,
          trigger: {
            type: ['object', 'null'],
            description: 'the trigger that would be stored and sent',
            properties: {
              id: { type: 'string' },
              destination: { type: 'string' },
              sendAt: isoTime,
              payload: ref('TriggerPayload'),
            },
          },
        },
      },
    },
    cancels: {
      type: 'array',
      items: { type: 'object', properties: { triggerId: { type: 'string' }, reason: { type: 'string' } } },
    },
  },
};

/** Response shapes of the admin API (what `api/serialise.ts` produces), shared by reference. */
export const components: OpenApiDocument['components'] = {
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'HOOKPOST_ADMIN_TOKEN, or the token generated at first start',
    },
  },
  schemas: {
    Error: {
      type: 'object',
      required: ['error', 'message'],
      properties: {
        error: {
          type: 'string',
          enum: [
            'unauthorized',
            'bad_request',
            'not_found',
            'conflict',
            'payload_too_large',
            'internal_error',
          ],
        },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    CrmEvent: schemaOf(crmEventSchema),
    EventItem: eventItem,
    Decision: decision,
    EventDetail: {
      allOf: [
        ref('EventItem'),
        {
          type: 'object',
          properties: {
            externalId: { type: 'string' },
            channel: { type: 'string' },
            rawDeliveryId: { type: 'string' },
            processedAt: isoTime,
            payload: ref('CrmEvent'),
            decisions: {
              type: 'array',
              description: 'the latest decision run',
              items: ref('Decision'),
            },
            runs: {
              type: 'array',
              description: 'every decision run, oldest first: a replay adds one, earlier runs stay',
              items: {
                type: 'object',
                properties: {
                  run: { type: 'integer' },
                  decidedAt: isoTime,
                  decisions: { type: 'array', items: ref('Decision') },
                },
              },
            },
            triggers: { type: 'array', items: ref('TriggerItem') },
          },
        },
      ],
    },
    TriggerItem: triggerItem,
    DeliveryAttempt: attempt,
    TriggerDetail: {
      allOf: [
        ref('TriggerItem'),
        {
          type: 'object',
          properties: {
            dedupeKey: { type: 'string' },
            callbackId: nullable('string'),
            payload: { ...ref('TriggerPayload'), description: 'the campaign trigger as sent' },
            attempts: { type: 'array', items: ref('DeliveryAttempt') },
            mail: {
              type: 'object',
              description:
                "the piece's way back: the mail platform's status, tracking, corrected address, platform cancel and timeline",
            },
          },
        },
      ],
    },
    DryRunResult: dryRunResult,
    Stats: {
      type: 'object',
      properties: {
        events: counts,
        triggers: counts,
        outbox: counts,
        deliveries: {
          type: 'object',
          properties: {
            since: { type: 'string', format: 'date-time' },
            inbound: { type: 'object', properties: { total: { type: 'integer' }, byPlatform: counts } },
            attempts: { type: 'object', properties: { total: { type: 'integer' }, byOutcome: counts } },
            dead: { type: 'integer', description: 'pieces that became dead in the window' },
          },
        },
      },
    },
  },
  responses: {
    BadRequest: json('invalid query, path or body; `issues` lists every problem', ref('Error')),
    Unauthorized: json('missing or wrong bearer token', ref('Error')),
  },
};
