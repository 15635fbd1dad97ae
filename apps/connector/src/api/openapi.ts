import type { z } from 'zod';
import { consolePaths, consoleSchemas, replayDeadBody } from './openapi-console.js';
import { components, json, nullable, ref, schemaOf } from './openapi-schemas.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from './openapi-types.js';
import { eventListQuery, triggerListQuery, workspaceQuery } from './query.js';

/** Query parameters straight from the zod schemas the routes validate with, so they cannot drift. */
function queryParameters(schema: z.ZodObject): OpenApiParameter[] {
  const json = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

const idParameter = (what: string): OpenApiParameter => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `the ${what} id`,
  schema: { type: 'string' },
});
const errors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
};
const withErrors = (op: OpenApiOperation): OpenApiOperation => ({
  ...op,
  responses: { ...op.responses, ...errors },
});
const page = (item: string) => ({
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: {
    data: { type: 'array', items: ref(item) },
    nextCursor: {
      ...nullable('string'),
      description: 'pass as ?cursor= for the next page; null on the last',
    },
  },
});
const conflict = { '409': json('not possible in the current state (the message says why)', ref('Error')) };
const notFound = { '404': json('no such id', ref('Error')) };

/**
 * The OpenAPI 3.1 description of `/api`, served at `GET /api/openapi.json`. A test checks
 * that its paths and the router's routes are the same set.
 */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Hookpost admin API',
    version: '0.1.0',
    description:
      'Inspect events and campaign triggers, replay and cancel them, and dry-run events. ' +
      'Send `Authorization: Bearer <HOOKPOST_ADMIN_TOKEN>`.',
  },
  servers: [{ url: '/api' }],
  security: [{ bearer: [] }],
  paths: {
    '/events': {
      get: withErrors({
        operationId: 'listEvents',
        summary: 'List events, newest first',
        tags: ['events'],
        parameters: queryParameters(eventListQuery),
        responses: { '200': json('a page of events', page('EventItem')) },
      }),
    },
    '/events/{id}': {
      get: withErrors({
        operationId: 'getEvent',
        summary: 'One event with its normalised payload, decisions and triggers',
        tags: ['events'],
        parameters: [idParameter('event')],
        responses: { '200': json('the event', ref('EventDetail')), ...notFound },
      }),
    },
    '/events/{id}/replay': {
      post: withErrors({
        operationId: 'replayEvent',
        summary: 'Decide an event again (no second mail: trigger dedupe keys hold)',
        tags: ['events'],
        parameters: [idParameter('event')],
        responses: {
          '202': json('queued for the worker', {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { const: 'pending' },
              workspace: { type: 'string' },
            },
          }),
          ...notFound,
          ...conflict,
        },
      }),
    },
    '/triggers': {
      get: withErrors({
        operationId: 'listTriggers',
        summary: 'List campaign triggers, newest first',
        tags: ['triggers'],
        parameters: queryParameters(triggerListQuery),
        responses: { '200': json('a page of triggers', page('TriggerItem')) },
      }),
    },
    '/triggers/{id}': {
      get: withErrors({
        operationId: 'getTrigger',
        summary: 'One trigger with its payload and delivery attempts',
        tags: ['triggers'],
        parameters: [idParameter('trigger')],
        responses: { '200': json('the trigger', ref('TriggerDetail')), ...notFound },
      }),
    },
    '/triggers/{id}/replay': {
      post: withErrors({
        operationId: 'replayTrigger',
        summary: 'Send a dead or cancelled trigger again, now, with a fresh retry window',
        tags: ['triggers'],
        parameters: [idParameter('trigger')],
        responses: {
          '202': json('queued for the dispatcher', {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { const: 'pending' },
              previousStatus: { type: 'string' },
            },
          }),
          ...notFound,
          ...conflict,
        },
      }),
    },
    '/triggers/replay-dead': {
      post: withErrors({
        operationId: 'replayDeadTriggers',
        summary: 'Replay every dead trigger, or those of a workspace, campaign, destination or time range',
        tags: ['triggers'],
        parameters: queryParameters(workspaceQuery),
        requestBody: { required: false, content: { 'application/json': { schema: replayDeadBody } } },
        responses: {
          '202': json('how many were queued', {
            type: 'object',
            properties: { count: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } } },
          }),
        },
      }),
    },
    '/triggers/{id}/cancel': {
      post: withErrors({
        operationId: 'cancelTrigger',
        summary: 'Cancel a pending trigger before it is handed off',
        tags: ['triggers'],
        parameters: [idParameter('trigger')],
        responses: {
          '200': json('cancelled', {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { const: 'cancelled' },
              reason: { type: 'string' },
            },
          }),
          ...notFound,
          ...conflict,
        },
      }),
    },
    '/dry-run': {
      post: withErrors({
        operationId: 'dryRun',
        summary: 'Decide events as the worker would, writing nothing',
        tags: ['dry-run'],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  {
                    type: 'object',
                    required: ['event'],
                    properties: { workspace: { type: 'string' }, event: ref('CrmEvent') },
                  },
                  {
                    type: 'object',
                    description:
                      "a CRM payload under its platform's name, as that CRM sends it to the connector's inbound route (a webhook batch as a JSON array, an outbound message as XML text)",
                    minProperties: 1,
                    properties: { workspace: { type: 'string' } },
                    additionalProperties: true,
                  },
                ],
              },
            },
          },
        },
        responses: {
          '200': json('one result per event', {
            type: 'object',
            properties: { events: { type: 'array', items: ref('DryRunResult') } },
          }),
        },
      }),
    },
    '/stats': {
      get: withErrors({
        operationId: 'getStats',
        summary: 'Counts by status and the last 24 hours of deliveries',
        tags: ['stats'],
        responses: { '200': json('the counts', ref('Stats')) },
      }),
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document (no authentication)',
        tags: ['meta'],
        security: [],
        responses: { '200': json('the OpenAPI document', { type: 'object' }) },
      },
    },
    ...consolePaths,
  },
  components: { ...components, schemas: { ...components.schemas, ...consoleSchemas } },
};
