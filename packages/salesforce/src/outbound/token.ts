import { hash, timingSafeEqual } from 'node:crypto';

/** The workspace an outbound-message URL token belongs to. */
export interface ResolvedWorkspace {
  workspaceId: string;
  organizationId: string;
}

/** Maps the secret last path segment of the endpoint URL to its workspace, or `null`. */
export type ResolveToken = (token: string) => ResolvedWorkspace | null | Promise<ResolvedWorkspace | null>;

// One-shot `hash` (Node ≥ 20.12): no Hash object per request.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * A {@link ResolveToken} over a fixed list of workspaces. Every token is compared, in
 * constant time over equal-length SHA-256 digests and without stopping at a match, so the
 * answer time says nothing about how many characters or which workspace matched.
 *
 * @example
 * const resolveToken = createTokenResolver([
 *   { workspaceId: 'acme', organizationId: '00D5e000000KQ2eEAG', endpointToken: process.env.ACME_SF_ENDPOINT_TOKEN! },
 * ]);
 */
export function createTokenResolver(
  workspaces: readonly { workspaceId: string; organizationId: string; endpointToken: string }[],
): (token: string) => ResolvedWorkspace | null {
  const entries = workspaces
    .filter((w) => w.endpointToken.length > 0)
    .map((w) => ({
      hash: digest(w.endpointToken),
      workspaceId: w.workspaceId,
      organizationId: w.organizationId,
    }));
  return function resolveToken(token: string): ResolvedWorkspace | null {
    const candidate = digest(token);
    let found: ResolvedWorkspace | null = null;
    for (const entry of entries) {
      const match = timingSafeEqual(entry.hash, candidate);
      if (match && found === null)
        found = { workspaceId: entry.workspaceId, organizationId: entry.organizationId };
    }
    return token.length > 0 ? found : null;
  };
}
