import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // GCM's recommended nonce size (NIST SP 800-38D §8.2)

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/**
 * AES-256-GCM for OAuth tokens at rest. The key is `HOOKPOST_ENCRYPTION_KEY`: 32 bytes
 * as base64 or hex. Output: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 * node:crypto directly: a wrapper library would add nothing to these ten lines.
 */
export function createSecretBox(keyText: string): SecretBox {
  const key = parseKey(keyText);
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || data === undefined) {
        throw new Error('[@hookpost/connector] sealed value is not in the v1 format');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(
      '[@hookpost/connector] HOOKPOST_ENCRYPTION_KEY must be 32 bytes, base64 or hex (openssl rand -base64 32)',
    );
  }
  return key;
}
