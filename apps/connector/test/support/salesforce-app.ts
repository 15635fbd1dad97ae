import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The connected app the fake Salesforce trusts: JWT bearer flow with a fresh RSA key pair. */
export const SF_CLIENT_ID = '3MVG9fake.consumer.key';
export const SF_USERNAME = 'integration@acme.example';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** Options for `startFakeSalesforce` that make it accept the connector's JWT assertions. */
export const connectedApp = { publicKey, clientId: SF_CLIENT_ID, username: SF_USERNAME };

/** Writes the private key to a fresh file (mode 0600) for `salesforce.auth.privateKeyFile`. */
export function writePrivateKeyFile(): string {
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-key-')), 'sf.key');
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  return keyFile;
}
