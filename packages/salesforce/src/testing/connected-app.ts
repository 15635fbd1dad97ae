import { generateKeyPairSync } from 'node:crypto';
import { createSalesforceClient, type SalesforceClient } from '../client/client.js';
import type { FakeSalesforce } from './fake-salesforce.js';

/**
 * A connected app for this package's own tests: a fresh RSA key pair (give `publicKey` to
 * `startFakeSalesforce`) and a JWT-bearer client of a running fake.
 */
export function testConnectedApp() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    publicKey,
    clientOf: (fake: FakeSalesforce): SalesforceClient =>
      createSalesforceClient({
        instanceUrl: fake.url,
        loginUrl: fake.url,
        apiVersion: '62.0',
        auth: { type: 'jwt', clientId: 'cid', username: 'u@example.com', privateKey },
      }),
  };
}
