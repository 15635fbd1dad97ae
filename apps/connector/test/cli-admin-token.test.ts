import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAdminToken, resolveAdminToken } from '../src/cli/admin-token.js';

const freshDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-token-')), 'data');

describe('resolveAdminToken', () => {
  it('prefers HOOKPOST_ADMIN_TOKEN and then writes no file', () => {
    const dir = freshDir();
    const result = resolveAdminToken(dir, { HOOKPOST_ADMIN_TOKEN: ' from-the-environment-1234 ' });
    expect(result).toEqual({ token: 'from-the-environment-1234', created: false, source: 'env', file: null });
    expect(existsSync(path.join(dir, 'admin-token'))).toBe(false);
  });

  it('creates a 256-bit base64url token once (mode 0600), then reads the same one back', () => {
    const dir = freshDir();
    const first = resolveAdminToken(dir, {});
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    expect(statSync(path.join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    const second = resolveAdminToken(dir, {});
    expect(second).toEqual({ ...first, created: false });
    expect(resolveAdminToken(freshDir(), {}).token).not.toBe(first.token);
  });

  it('keeps a token someone else stored first (no overwrite), and clients read it without creating one', () => {
    const dir = freshDir();
    expect(readAdminToken(dir, {})).toBeNull();
    expect(existsSync(dir)).toBe(false);
    resolveAdminToken(dir, {});
    writeFileSync(path.join(dir, 'admin-token'), 'operator-chosen-token-123\n');
    expect(resolveAdminToken(dir, {})).toMatchObject({ token: 'operator-chosen-token-123', created: false });
    expect(readAdminToken(dir, {})).toBe('operator-chosen-token-123');
    expect(readAdminToken(dir, { HOOKPOST_ADMIN_TOKEN: 'env-token-abcdefghijkl' })).toBe(
      'env-token-abcdefghijkl',
    );
    expect(readFileSync(path.join(dir, 'admin-token'), 'utf8')).toBe('operator-chosen-token-123\n');
  });
});
