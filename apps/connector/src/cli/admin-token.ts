import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';
/** 32 random bytes: 256 bits, as base64url (43 characters). */
const TOKEN_BYTES = 32;

export interface AdminToken {
  token: string;
  /** True only on the start that generated and stored the token: the one time it is shown. */
  created: boolean;
  /** Where it came from: the environment or the file beside the database. */
  source: 'env' | 'file';
  file: string | null;
}

const fileIn = (dataDir: string) => path.join(dataDir, ADMIN_TOKEN_FILE);

function readTokenFile(file: string): string | null {
  try {
    const token = readFileSync(file, 'utf8').trim();
    return token === '' ? null : token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The admin API token: `HOOKPOST_ADMIN_TOKEN`, else `<dataDir>/admin-token`, else a new
 * random one written there with mode 0600. The new file is written whole under a private
 * name, then hard-linked into place: the link fails if the file exists and never exposes a
 * half-written token, so processes starting together agree on one token. (Opening the
 * target with `wx` and writing left an empty file that a second process read and died on.)
 *
 * @example
 * const { token, created } = resolveAdminToken(handle.dataDir, process.env);
 * if (created) process.stderr.write(`admin token: ${token}\n`);
 */
export function resolveAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): AdminToken {
  const fromEnv = env.HOOKPOST_ADMIN_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, created: false, source: 'env', file: null };
  const file = fileIn(dataDir);
  const stored = readTokenFile(file);
  if (stored) return { token: stored, created: false, source: 'file', file };
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const other = readTokenFile(file);
    if (other) return { token: other, created: false, source: 'file', file };
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return { token, created: true, source: 'file', file };
}

/** The token a client command uses (`simulate`): the environment's or the stored one; never creates one. */
export function readAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  return env.HOOKPOST_ADMIN_TOKEN?.trim() || readTokenFile(fileIn(dataDir));
}
