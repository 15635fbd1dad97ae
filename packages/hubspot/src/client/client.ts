import type { AssociationLink } from '@hookpost/core';
import type { z } from 'zod';
import { HookpostHubSpotError } from '../errors.js';
import { createCoalescer } from './coalesce.js';
import { createSlidingWindowLimiter } from './limiter.js';
import { apiObjectName } from './object-paths.js';
import {
  associationsResponseSchema,
  batchReadResponseSchema,
  createdObjectSchema,
  type HubSpotPropertyDefinition,
  propertyDefinitionsResponseSchema,
} from './schemas.js';
import { createSdkCall } from './sdk.js';
import { createTransport, type Send } from './transport.js';

/** The survivor of a merge lists the ids merged into it here, `;`-separated. */
const MERGED_IDS = 'hs_merged_object_ids';

/**
 * A batch read answers a merged-away id under the survivor's id (a request for `62241`
 * answers `{"results":[{"id":"84805801",…}]}`): each answer is mapped back to every requested
 * id it stands for — its own, and those in its `hs_merged_object_ids`.
 * https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-read
 */
function answersByRequestedId(
  requested: readonly string[],
  results: readonly { id: string; properties: RecordProperties }[],
  keepMergedIds: boolean,
): Map<string, RecordProperties> {
  const wanted = new Set(requested);
  const found = new Map<string, RecordProperties>();
  for (const { id, properties } of results) {
    const { [MERGED_IDS]: mergedIds, ...rest } = properties;
    const answer = keepMergedIds ? properties : rest;
    for (const candidate of [id, ...(mergedIds ?? '').split(';')])
      if (candidate !== '' && wanted.has(candidate)) found.set(candidate, answer);
  }
  return found;
}

/**
 * Whether a v4 association link is the primary one: HubSpot marks the primary company with
 * the label `Primary`, and admins name their own labels (`Primary contact`, `Decision maker`…).
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide
 */
function isPrimaryLink(types: readonly { label?: string | null | undefined }[] | undefined): boolean {
  return (types ?? []).some((t) => typeof t.label === 'string' && /primary/i.test(t.label));
}

/** HubSpot's limits: 100 ids per CRM batch read, 1000 per v4 associations batch read. */
const RECORDS_PER_BATCH = 100;
const ASSOCIATION_IDS_PER_BATCH = 1_000;
/** Association type 453: postal mail → contact, HUBSPOT_DEFINED. https://developers.hubspot.com/docs/guides/api/crm/engagements/postal-mail */
const POSTAL_MAIL_TO_CONTACT = 453;

export type RecordProperties = Record<string, string | null>;

export interface HubSpotClientOptions {
  /** A static token (private app / static auth) … */
  accessToken?: string;
  /** … or a provider that refreshes OAuth tokens (see `createTokenProvider`). */
  getAccessToken?: () => Promise<string>;
  baseUrl?: string;
  /** OAuth apps: 110 requests per 10 s per installing account. */
  rateLimit?: { max: number; intervalMs: number };
  maxRetries?: number;
  /** How long concurrent `fetchRecords` calls are collected into one batch. */
  batchWindowMs?: number;
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
}

export interface HubSpotClient {
  /** Reads records by id, coalescing concurrent callers into batch reads of ≤ 100 ids. Missing ids are absent. */
  fetchRecords(
    objectType: string,
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<Map<string, RecordProperties>>;
  /** Associated ids per requested id (empty array when none), via v4 batch reads of ≤ 1000 ids. */
  fetchAssociations(fromType: string, toType: string, ids: readonly string[]): Promise<Map<string, string[]>>;
  /** The same links with their primary mark: a v4 association label containing "primary" (case-insensitive). */
  fetchAssociationLinks(
    fromType: string,
    toType: string,
    ids: readonly string[],
  ): Promise<Map<string, AssociationLink[]>>;
  /** Writes a `postal_mail` engagement on the contact's timeline. */
  recordPostalMail(
    contactId: string,
    mail: { body: string; timestamp?: Date | string },
  ): Promise<{ id: string }>;
  /** Completes a blocked workflow action execution. */
  completeCallback(callbackId: string, outputFields: Record<string, unknown>): Promise<void>;
  /**
   * The object's property definitions (name, type, enumeration `options`), e.g. to check
   * that a configuration names real properties and option values.
   * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
   */
  getProperties(objectType: string): Promise<HubSpotPropertyDefinition[]>;
  /** Any other HubSpot API call, with the same limiter and retries. */
  request(method: string, path: string, body?: unknown): Promise<unknown>;
}

/**
 * A HubSpot API client for one installing account (one limiter per instance).
 *
 * @example
 * const hubspot = createHubSpotClient({ accessToken: process.env.ACME_HUBSPOT_TOKEN });
 * const contacts = await hubspot.fetchRecords('contact', ['123'], ['firstname', 'city', 'country']);
 */
export function createHubSpotClient(options: HubSpotClientOptions): HubSpotClient {
  const rateLimit = options.rateLimit ?? { max: 110, intervalMs: 10_000 };
  const limiter = createSlidingWindowLimiter(rateLimit);
  const send = createTransport({
    call: createSdkCall((options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '')),
    limiter,
    getAccessToken: tokenSource(options),
    maxRetries: options.maxRetries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 500,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    rateLimitPauseMs: rateLimit.intervalMs,
  });
  const windowMs = options.batchWindowMs ?? 5;
  const recordLoaders = new Map<string, (id: string) => Promise<RecordProperties | undefined>>();
  const associationLoaders = new Map<string, (id: string) => Promise<AssociationLink[] | undefined>>();

  function recordLoader(objectType: string, properties: readonly string[]) {
    const sorted = [...new Set(properties)].sort();
    const key = `${objectType}\n${sorted.join(',')}`;
    let load = recordLoaders.get(key);
    if (!load) {
      const path = `/crm/v3/objects/${apiObjectName(objectType)}/batch/read`;
      load = createCoalescer({
        maxBatchSize: RECORDS_PER_BATCH,
        windowMs,
        ready: limiter.whenFree,
        loadBatch: async (ids) => {
          const asked = sorted.includes(MERGED_IDS) ? sorted : [...sorted, MERGED_IDS];
          const body = { inputs: ids.map((id) => ({ id })), properties: asked };
          const { results } = parse(batchReadResponseSchema, await send('POST', path, body), path);
          return answersByRequestedId(ids, results, sorted.includes(MERGED_IDS));
        },
      });
      recordLoaders.set(key, load);
    }
    return load;
  }

  function associationLoader(fromType: string, toType: string) {
    const key = `${fromType}\n${toType}`;
    let load = associationLoaders.get(key);
    if (!load) {
      const path = `/crm/v4/associations/${apiObjectName(fromType)}/${apiObjectName(toType)}/batch/read`;
      load = createCoalescer({
        maxBatchSize: ASSOCIATION_IDS_PER_BATCH,
        windowMs,
        ready: limiter.whenFree,
        loadBatch: async (ids) => {
          const response = parse(
            associationsResponseSchema,
            await send('POST', path, { inputs: ids.map((id) => ({ id })) }),
            path,
          );
          return new Map(
            response.results.map((result) => [
              String(result.from.id),
              result.to.map((to) => ({
                id: String(to.toObjectId),
                primary: isPrimaryLink(to.associationTypes),
              })),
            ]),
          );
        },
      });
      associationLoaders.set(key, load);
    }
    return load;
  }

  async function fetchAssociationLinks(fromType: string, toType: string, ids: readonly string[]) {
    const load = associationLoader(fromType, toType);
    const unique = [...new Set(ids)];
    const values = await Promise.all(unique.map(load));
    return new Map(unique.map((id, index) => [id, values[index] ?? []]));
  }

  return {
    async fetchRecords(objectType, ids, properties) {
      const load = recordLoader(objectType, properties);
      const unique = [...new Set(ids)];
      const values = await Promise.all(unique.map(load));
      const found = new Map<string, RecordProperties>();
      unique.forEach((id, index) => {
        const value = values[index];
        if (value) found.set(id, value);
      });
      return found;
    },
    async fetchAssociations(fromType, toType, ids) {
      const links = await fetchAssociationLinks(fromType, toType, ids);
      return new Map([...links].map(([id, list]) => [id, list.map((l) => l.id)]));
    },
    fetchAssociationLinks,
    async recordPostalMail(contactId, mail) {
      const path = '/crm/v3/objects/postal_mail';
      const timestamp = mail.timestamp === undefined ? new Date() : new Date(mail.timestamp);
      const body = {
        properties: { hs_timestamp: timestamp.toISOString(), hs_postal_mail_body: mail.body },
        associations: [
          {
            to: { id: contactId },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: POSTAL_MAIL_TO_CONTACT }],
          },
        ],
      };
      return { id: parse(createdObjectSchema, await send('POST', path, body), path).id };
    },
    async completeCallback(callbackId, outputFields) {
      await send('POST', `/automation/v4/actions/callbacks/${encodeURIComponent(callbackId)}/complete`, {
        outputFields,
      });
    },
    async getProperties(objectType) {
      const path = `/crm/v3/properties/${apiObjectName(objectType)}`;
      return parse(propertyDefinitionsResponseSchema, await send('GET', path, undefined), path).results;
    },
    request: send satisfies Send,
  };
}

function tokenSource(options: HubSpotClientOptions): () => Promise<string> {
  if (options.getAccessToken) return options.getAccessToken;
  const token = options.accessToken;
  if (!token) {
    throw new HookpostHubSpotError(
      'invalid_options',
      'pass accessToken or getAccessToken to createHubSpotClient',
    );
  }
  return async () => token;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HookpostHubSpotError(
      'api_error',
      `unexpected response from ${path}: ${result.error.issues[0]?.message}`,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}
