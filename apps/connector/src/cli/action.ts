/** A command failure shown to the user as one line, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * Wraps a command action: any error becomes `hookpost <command>: <message>` on stderr and
 * exit code 1 (messages never contain secrets: URLs are redacted where they are built).
 */
export function handled<A extends unknown[]>(name: string, action: (...args: A) => Promise<void>) {
  return async function handledAction(...args: A): Promise<void> {
    try {
      await action(...args);
    } catch (error) {
      const message =
        error instanceof Error ? error.message.replace(/^\[@hookpost\/[a-z]+\] /, '') : String(error);
      process.stderr.write(`hookpost ${name}: ${message}\n`);
      process.exitCode = 1;
    }
  };
}
