import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV3 } from '../src/testing/index.js';

const secret = 'readme-secret';
let example: typeof import('./readme-example.js');

beforeAll(async () => {
  process.env.HUBSPOT_CLIENT_SECRET = secret;
  process.env.PORT = '0';
  example = await import('./readme-example.js');
  await new Promise((resolve) =>
    example.server.listening ? resolve(undefined) : example.server.once('listening', resolve),
  );
});
afterAll(() => new Promise((resolve) => example.server.close(resolve)));

describe('README example', () => {
  it('is the code this test runs', () => {
    const source = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    const region = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme/.exec(source)?.[1];
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(region).toBeDefined();
    expect(readme).toContain(region);
  });

  it('stores a signed delivery then answers 204, and refuses a forged one with 401', async () => {
    const { port } = example.server.address() as AddressInfo;
    const body = JSON.stringify([
      {
        eventId: 9,
        subscriptionId: 25,
        portalId: 62515,
        occurredAt: 1_764_237_600_000,
        subscriptionType: 'deal.propertyChange',
        objectId: 77,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
    ]);
    const headers = signV3({
      secret,
      method: 'POST',
      url: 'https://hooks.example.com/webhooks/hubspot',
      body,
    });
    const agent = request(`http://127.0.0.1:${port}`);
    await agent.post('/webhooks/hubspot').set(headers).send(body).expect(204);
    expect(example.saved).toMatchObject([
      { objectType: 'deal', kind: 'updated', changes: { dealstage: { value: 'closedwon' } } },
    ]);
    await agent.post('/webhooks/hubspot?x=1').set(headers).send(body).expect(401);
    await agent
      .post('/webhooks/hubspot')
      .set(signV3({ secret, method: 'POST', url: 'https://hooks.example.com/webhooks/hubspot', body: '{' }))
      .send('{')
      .expect(400);
    expect(example.saved).toHaveLength(1);
  });
});
