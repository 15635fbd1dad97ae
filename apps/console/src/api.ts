/** The admin API as the console calls it: same origin, session cookie, CSRF header on writes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CSRF_COOKIE = 'hookpost_csrf';
const CSRF_HEADER = 'x-hookpost-csrf';

function csrfToken(): string {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : '';
}

let onSignedOut: () => void = () => {};
/** Called when the API answers 401 (session expired or token rotated). */
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = csrfToken();
  if (body !== undefined) headers['content-type'] = contentType;
  const response = await fetch(`/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  if (response.status === 401) onSignedOut();
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new ApiError(response.status, data.message ?? `HTTP ${response.status}`);
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  postCsv: <T>(path: string, csv: string) => request<T>('POST', path, csv, 'text/csv'),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** `?a=1&b=2` from the non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

export async function signIn(token: string): Promise<void> {
  const response = await fetch('/console/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ token }),
  });
  if (!response.ok) {
    const data = (await response.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(response.status, data.message ?? `sign-in failed (HTTP ${response.status})`);
  }
}

export async function signOut(): Promise<void> {
  await fetch('/console/session', { method: 'DELETE', credentials: 'same-origin' });
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
export interface EventItem {
  id: string;
  platform: string;
  accountId: string;
  workspace: string | null;
  objectType: string;
  objectId: string;
  kind: string;
  status: string;
  reason: string | null;
  occurredAt: string;
  receivedAt: string;
  attempts: number;
}
export interface Decision {
  campaignId: string;
  outcome: string;
  reason: string | null;
  detail: string | null;
  triggerId: string | null;
  eventId?: string;
}
export interface TriggerItem {
  id: string;
  workspace: string;
  campaign: string;
  destination: string;
  eventId: string;
  status: string;
  reason: string | null;
  attemptCount: number;
  lastError: string | null;
  sendAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
export interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  outcome: string;
  error: string | null;
  responseBody: string | null;
}
export interface Suppression {
  id: string;
  workspace: string;
  kind: string;
  hash?: string;
  reason: string;
  createdAt: string;
}
