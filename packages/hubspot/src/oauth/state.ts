import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { safeEqual } from '../signature/compare.js';

export type StateFailureReason = 'malformed' | 'bad_signature' | 'expired';
export type StateResult =
  | { ok: true; nonce: string; expiresAt: Date; returnTo?: string; bindingHash?: string }
  | { ok: false; reason: StateFailureReason };

const stateBodySchema = z.object({
  n: z.string(),
  e: z.number(),
  r: z.string().optional(),
  b: z.string().optional(),
});

export interface StatePayload {
  returnTo?: string;
  /** A hash of a value only the installing browser holds (a cookie), checked at the callback. */
  bindingHash?: string;
}

export interface StateSigner {
  create(payload?: StatePayload): string;
  verify(state: string): StateResult;
}

/**
 * OAuth `state`: nonce + expiry + optional return path, base64url JSON, then an
 * HMAC-SHA256 over it. Single use and browser binding are the receiver's part: see
 * `createInstallFlow`, which remembers the nonce until `expiresAt` and checks the binding.
 *
 * @example
 * const signer = createStateSigner({ secret, ttlMs: 600_000 });
 * signer.verify(signer.create({ returnTo: '/settings' })); // { ok: true, returnTo: '/settings', … }
 */
export function createStateSigner(options: {
  secret: string;
  ttlMs: number;
  now?: () => number;
}): StateSigner {
  const now = options.now ?? Date.now;
  const mac = (body: string) => createHmac('sha256', options.secret).update(body).digest('base64url');
  return {
    create(payload = {}) {
      const fields = {
        n: randomBytes(16).toString('base64url'),
        e: now() + options.ttlMs,
        ...(payload.returnTo ? { r: payload.returnTo } : {}),
        ...(payload.bindingHash ? { b: payload.bindingHash } : {}),
      };
      const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify(state) {
      const [body, signature, ...rest] = state.split('.');
      if (!body || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
      if (!safeEqual(mac(body), signature)) return { ok: false, reason: 'bad_signature' };
      const parsed = stateBodySchema.safeParse(parseJson(Buffer.from(body, 'base64url').toString('utf8')));
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      // Negated: a NaN clock or expiry fails closed.
      if (!(parsed.data.e > now())) return { ok: false, reason: 'expired' };
      return {
        ok: true,
        nonce: parsed.data.n,
        expiresAt: new Date(parsed.data.e),
        ...(parsed.data.r === undefined ? {} : { returnTo: parsed.data.r }),
        ...(parsed.data.b === undefined ? {} : { bindingHash: parsed.data.b }),
      };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
