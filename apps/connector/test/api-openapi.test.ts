import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/api/openapi.js';
import { createAdminApi } from '../src/api/router.js';
import { ADMIN_TOKEN, adminClient } from './support/api-client.js';
import { startTestConnector } from './support/connector.js';

const CONFIG = `
server: { publicUrl: https://hooks.example.com }
workspaces: []
`;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every `METHOD /path` the router (and the routers it mounts) registers, in OpenAPI path syntax. */
function registeredRoutes(router: Router): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return found.sort();
}

function documentedRoutes(): string[] {
  return Object.entries(openApiDocument.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

let connector: Awaited<ReturnType<typeof startTestConnector>>;

beforeAll(async () => {
  connector = await startTestConnector(CONFIG, {
    worker: false,
    api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
  });
});
afterAll(async () => {
  await connector?.stop();
});

describe('GET /api/openapi.json', () => {
  it('documents exactly the routes the router registers', () => {
    const routes = registeredRoutes(createAdminApi(connector, { token: ADMIN_TOKEN }));
    expect(routes.length).toBeGreaterThanOrEqual(11);
    expect(routes).toEqual(documentedRoutes());
  });

  it('is served without a token, as OpenAPI 3.1 with the bearer scheme', async () => {
    const answer = await adminClient(connector.baseUrl, null).get<typeof openApiDocument>('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(answer.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(answer.body.paths)).toContain('/triggers/{id}/replay');
  });

  it('describes query parameters from the same zod schemas the routes validate with', () => {
    const list = openApiDocument.paths['/events']?.get?.parameters ?? [];
    expect(list.map((p) => p.name).sort()).toEqual(
      [
        'campaign',
        'cursor',
        'from',
        'kind',
        'limit',
        'objectId',
        'objectType',
        'platform',
        'recipient',
        'status',
        'to',
        'workspace',
      ].sort(),
    );
    expect(list.find((p) => p.name === 'limit')?.schema).toMatchObject({ type: 'integer', maximum: 200 });
    expect(list.find((p) => p.name === 'status')?.schema).toMatchObject({
      enum: expect.arrayContaining(['no_match']),
    });
  });

  it('describes the campaign trigger a destination receives, field by field', () => {
    const detail = JSON.stringify(openApiDocument.components.schemas.TriggerDetail);
    expect(detail).toContain('#/components/schemas/TriggerPayload');
    const payload = openApiDocument.components.schemas.TriggerPayload as {
      required: string[];
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(payload.required).toEqual(
      expect.arrayContaining(['type', 'id', 'campaign', 'recipient', 'source']),
    );
    expect(Object.keys(payload.properties.recipient?.properties ?? {})).toEqual(
      expect.arrayContaining(['crm', 'firstName', 'address']),
    );
  });

  it('resolves every $ref it uses', () => {
    const text = JSON.stringify(openApiDocument);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(5);
    for (const [, kind, name] of refs) {
      const table = openApiDocument.components[kind as 'schemas' | 'responses'] as Record<string, unknown>;
      expect(table[name as string], `${kind}/${name}`).toBeDefined();
    }
  });
});
