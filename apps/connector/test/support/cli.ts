import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CONNECTOR_DIR = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(CONNECTOR_DIR, 'src/bin.ts');

/** Node arguments that run the CLI from TypeScript sources (workspace packages via `source`). */
const TSX_LOADER = pathToFileURL(
  path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;
export const CLI_NODE_ARGS = ['--conditions=source', '--import', TSX_LOADER, BIN];

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = CONNECTOR_DIR) {
  const result = spawnSync(process.execPath, [...CLI_NODE_ARGS, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface CliProcess {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<number | null>;
}

/** Starts a long-running CLI command (e.g. `start`) as a real process. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = CONNECTOR_DIR): CliProcess {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => buffer,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          const match = pattern.exec(buffer);
          if (match) {
            clearInterval(timer);
            resolve(match[0]);
          } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`timed out waiting for ${pattern}; output:\n${buffer}`));
          }
        }, 50);
      });
    },
  };
}

/**
 * `runCli` without blocking the test worker (a long run of `spawnSync` calls starves
 * vitest's worker RPC): same arguments, same answer.
 */
export function runCliAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = CONNECTOR_DIR,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
