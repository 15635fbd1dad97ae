import type { TestProject } from 'vitest/node';
import { findPostgresBin, startTestCluster, type TestCluster } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    postgresSkipReason: string | null;
  }
}

let cluster: TestCluster | null = null;

/**
 * Starts one PostgreSQL cluster for the connector's suite. Without PostgreSQL the
 * Postgres tests skip with the reason; with HOOKPOST_REQUIRE_POSTGRES=1 that is a failure.
 */
export async function setup(project: TestProject): Promise<void> {
  const required = process.env.HOOKPOST_REQUIRE_POSTGRES === '1';
  if (!findPostgresBin()) {
    const reason = 'PostgreSQL is not installed (apt-get install postgresql)';
    if (required) throw new Error(`HOOKPOST_REQUIRE_POSTGRES=1 but ${reason}`);
    project.provide('postgresUrl', null);
    project.provide('postgresSkipReason', reason);
    return;
  }
  try {
    cluster = await startTestCluster();
  } catch (error) {
    if (required) throw error;
    project.provide('postgresUrl', null);
    project.provide('postgresSkipReason', `PostgreSQL did not start: ${(error as Error).message}`);
    return;
  }
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresSkipReason', null);
}

export function teardown(): void {
  cluster?.stop();
}
