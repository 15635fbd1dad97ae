import { z } from 'zod';

/** `POST /oauth/v1/token` answer. https://developers.hubspot.com/docs/api/oauth/tokens */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  hub_id: z.union([z.number(), z.string()]).optional(),
  scopes: z.array(z.string()).optional(),
  scope: z.string().optional(),
});

/** `GET /oauth/v1/access-tokens/{token}` answer: which portal the token belongs to. */
export const accessTokenInfoSchema = z.object({
  hub_id: z.union([z.number(), z.string()]),
  scopes: z.array(z.string()).optional(),
});

/** Tokens of one installation, as the token store keeps them. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  portalId?: string;
  scopes?: string[];
}
