import { Writable } from 'node:stream';
import { parseConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { type RunningConnector, type StartOptions, startConnector } from '../../src/runtime.js';

export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const HUBSPOT_SECRET = 'test-client-secret';

/** Starts a connector in-process on a random port from a YAML config text. */
export async function startTestConnector(
  yaml: string,
  options: Partial<StartOptions> & { databaseUrl?: string } = {},
): Promise<RunningConnector & { baseUrl: string; logs: string[] }> {
  const parsed = parseConfigText(yaml, 'test.yaml', {});
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.issues)}`);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const running = await startConnector({
    config: parsed.value,
    configDir: process.cwd(),
    logger: createLogger({ level: 'debug', pretty: false, destination }),
    databaseUrl: options.databaseUrl ?? 'sqlite::memory:',
    port: 0,
    host: '127.0.0.1',
    env: {},
    ...options,
  });
  return { ...running, baseUrl: `http://127.0.0.1:${running.port}`, logs };
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
