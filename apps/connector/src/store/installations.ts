import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secretbox.js';
import type { Database } from '../db/types.js';

/** An OAuth installation's tokens; `expiresAt` is when the access token expires. */
export interface StoredInstallation {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  portalId?: string;
  scopes?: string[];
}

/** OAuth installations of a CRM app, keyed by the CRM account that installed it. */
export interface InstallationStore {
  get(accountId: string): Promise<StoredInstallation | null>;
  set(accountId: string, tokens: StoredInstallation): Promise<void>;
}

/** OAuth installations, one per CRM account (a HubSpot portal), with both tokens sealed (AES-256-GCM). */
export function createInstallationStore(
  db: Kysely<Database>,
  box: SecretBox,
  now = Date.now,
): InstallationStore {
  return {
    async get(portalId) {
      const row = await db
        .selectFrom('installations')
        .selectAll()
        .where('portal_id', '=', portalId)
        .executeTakeFirst();
      if (!row) return null;
      const tokens: StoredInstallation = {
        accessToken: box.open(row.access_token),
        refreshToken: box.open(row.refresh_token),
        expiresAt: new Date(row.expires_at),
        portalId,
      };
      if (row.scopes) tokens.scopes = JSON.parse(row.scopes) as string[];
      return tokens;
    },
    async set(portalId, tokens) {
      const at = now();
      const values = {
        access_token: box.seal(tokens.accessToken),
        refresh_token: box.seal(tokens.refreshToken),
        expires_at: tokens.expiresAt.getTime(),
        scopes: tokens.scopes ? JSON.stringify(tokens.scopes) : null,
        updated_at: at,
      };
      await db
        .insertInto('installations')
        .values({ portal_id: portalId, created_at: at, ...values })
        .onConflict((oc) => oc.column('portal_id').doUpdateSet(values))
        .execute();
    },
  };
}
