import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type CrmEvent, crmEventSchema } from '@hookpost/core';
import { Signature } from '@hubspot/api-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { signV3 } from '../testing/index.js';
import { createWorkflowActionMiddleware, type WorkflowActionMiddlewareOptions } from './middleware.js';
import type { WorkflowActionExecution } from './parse.js';

const secret = 'workflow-secret';
const publicUrl = 'https://hooks.example.com';
const path = '/webhooks/hubspot/workflow-action';
const body = readFileSync(
  new URL('../../test/fixtures/workflow-action-execution.json', import.meta.url),
  'utf8',
);
const v2 = (payload = body) => ({
  'x-hubspot-signature': Signature.getSignature('POST', 'v2', {
    signature: '',
    clientSecret: secret,
    url: `${publicUrl}${path}`,
    requestBody: payload,
  }),
  'x-hubspot-signature-version': 'v2',
});

function app(overrides: Partial<WorkflowActionMiddlewareOptions> = {}) {
  const log: string[] = [];
  const stored: Array<{ execution: WorkflowActionExecution; event: CrmEvent }> = [];
  const middleware = createWorkflowActionMiddleware({
    clientSecrets: [secret],
    publicUrl,
    onExecution: async (execution, event) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stored.push({ execution, event });
      log.push('stored');
    },
    ...overrides,
  });
  const server = createServer((req, res) => {
    res.on('finish', () => log.push(`answered ${res.statusCode}`));
    void middleware(req, res);
  });
  return { server, log, stored };
}

describe('createWorkflowActionMiddleware', () => {
  it('accepts a v2-signed execution, stores it, then answers BLOCK', async () => {
    const { server, log, stored } = app();
    const response = await request(server)
      .post(path)
      .set(v2())
      .set('content-type', 'application/json')
      .send(body)
      .expect(200);
    expect(response.body).toEqual({ outputFields: { hs_execution_state: 'BLOCK' } });
    expect(log).toEqual(['stored', 'answered 200']);
    const [{ execution, event }] = stored as [(typeof stored)[number]];
    expect(execution).toEqual({
      callbackId: 'ap-102670506-56776413549-7-0',
      portalId: '102670506',
      actionDefinitionId: '10646377',
      actionDefinitionVersion: 1,
      workflowId: '192814114',
      source: 'WORKFLOWS',
      objectType: 'contact',
      objectId: '904',
      properties: { email: 'ajenkenbb@gnu.org' },
      inputFields: { staticInput: 'My Static Input', objectInput: '995', optionsInput: '1' },
    });
    expect(crmEventSchema.parse(event)).toMatchObject({
      platform: 'hubspot',
      accountId: '102670506',
      externalId: 'ap-102670506-56776413549-7-0',
      objectType: 'contact',
      kind: 'updated',
      properties: { email: 'ajenkenbb@gnu.org' },
      source: {
        channel: 'workflow_action',
        callbackId: 'ap-102670506-56776413549-7-0',
        workflowId: '192814114',
      },
    });
  });

  it('prefers v3 and takes occurredAt from its timestamp', async () => {
    const { server, stored } = app();
    const timestamp = Date.now() - 1_000;
    await request(server)
      .post(path)
      .set(signV3({ secret, method: 'POST', url: `${publicUrl}${path}`, body, timestamp }))
      .send(body)
      .expect(200);
    expect(stored[0]?.event.occurredAt).toBe(new Date(timestamp).toISOString());
  });

  it('answers 401 for a wrong signature, or v2 when legacy is disabled', async () => {
    const { server, stored } = app();
    expect((await request(server).post(path).set(v2('{}')).send(body).expect(401)).body).toEqual({
      error: 'invalid_signature',
      reason: 'mismatch',
    });
    const strict = app({ allowLegacy: false });
    expect((await request(strict.server).post(path).set(v2()).send(body).expect(401)).body.reason).toBe(
      'legacy_disabled',
    );
    expect(stored).toHaveLength(0);
  });

  it('leaves absent optional fields out of the event source', async () => {
    const { server, stored } = app();
    const minimal = JSON.stringify({
      callbackId: 'cb-1',
      origin: { portalId: 1 },
      object: { objectId: 2, objectType: 'DEAL' },
    });
    await request(server).post(path).set(v2(minimal)).send(minimal).expect(200);
    expect(stored[0]?.event.source).toEqual({
      channel: 'workflow_action',
      callbackId: 'cb-1',
      inputFields: {},
    });
    expect(stored[0]?.event).toMatchObject({
      objectType: 'deal',
      objectId: '2',
      accountId: '1',
      properties: {},
    });
  });

  it('answers 400 naming the missing field, 413 when too large, 503 when storing fails', async () => {
    const noCallback = JSON.stringify({ ...JSON.parse(body), callbackId: undefined });
    const malformed = await request(app().server).post(path).set(v2(noCallback)).send(noCallback).expect(400);
    expect(malformed.body.message).toContain('callbackId: required');
    await request(app({ maxBodyBytes: 50 }).server)
      .post(path)
      .set(v2())
      .send(body)
      .expect(413);
    const failing = app({ onExecution: async () => Promise.reject(new Error('db down')) });
    expect((await request(failing.server).post(path).set(v2()).send(body).expect(503)).body.error).toBe(
      'unavailable',
    );
  });
});
