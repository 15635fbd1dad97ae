import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Header and field names whose values must never reach a log line: signatures,
 * bearer tokens, client secrets, OAuth tokens, webhook secrets.
 */
const REDACT_PATHS = [
  // Request headers carry signatures, bearer tokens and session cookies: never logged.
  'req.headers',
  '*.secret',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.endpointToken',
  '*.password',
];

export interface LoggerOptions {
  level?: string;
  /** Pretty output for people; JSON otherwise. Defaults to whether stdout is a TTY. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger({
  level = process.env.LOG_LEVEL ?? 'info',
  pretty = process.stdout.isTTY === true,
  destination,
}: LoggerOptions = {}): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'hookpost' },
  };
  if (destination) return pino(options, destination as pino.DestinationStream);
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(options);
}
