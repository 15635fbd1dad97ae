import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import { redactSessionId } from '@hookpost/salesforce';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../../src/api/router.js';
import { ADMIN_TOKEN, apiTestConfig } from '../support/api-client.js';
import { HUBSPOT_SECRET, startTestConnector, TEST_SECRET } from '../support/connector.js';
import { dialectCases } from '../support/databases.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { describeFigures, drive, type FuzzFigures } from './drive.js';
import { type FuzzInput, fuzzInput } from './inputs.js';

/**
 * Hostile input against a real connector over HTTP: every CRM endpoint and the admin API,
 * signed and unsigned, JSON and XML, deep, wide, odd encodings, odd numbers and
 * prototype-named keys, from fast-check generators and mutations of the packages' real
 * fixtures. Asserts no 5xx, no crash, every 2xx on a CRM endpoint stored, RSS bounded.
 * Replay a failure with HOOKPOST_FUZZ_SEED=<seed printed below>.
 */
const SEED = Number(process.env.HOOKPOST_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = {
  sqlite: Number(process.env.HOOKPOST_FUZZ_RUNS_SQLITE ?? 20_000),
  postgres: Number(process.env.HOOKPOST_FUZZ_RUNS_POSTGRES ?? 5_000),
};
const CONCURRENCY = 16;
// Generous: the connector's own limits bound memory to bodies in flight × 1 MB.
const RSS_GROWTH_LIMIT_BYTES = 768 * 1_048_576;
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

const CHUNK = 500;
/** What the worker writes over a raw delivery's body after a privacy deletion. */
const PRIVACY_PURGED = '[purged: privacy deletion]';

/** The inputs in chunks of 500 (seeded `seed`, `seed + 1`, …): reproducible, never all in memory. */
function* generate(runs: number, seed: number): Generator<FuzzInput> {
  for (let done = 0, chunk = 0; done < runs; done += CHUNK, chunk++) {
    yield* fc.sample(fuzzInput, { numRuns: Math.min(CHUNK, runs - done), seed: seed + chunk });
  }
}

function describeInput(input: FuzzInput): string {
  const body =
    input.body === null
      ? ''
      : typeof input.body === 'string'
        ? input.body
        : `bytes:${Buffer.from(input.body).toString('base64')}`;
  return JSON.stringify({
    ...input,
    body: body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body,
  });
}

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `fuzz: hostile requests never get a 5xx (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let hubspot: FakeHubSpot;
      let receiver: Receiver;
      let connector: Awaited<ReturnType<typeof startTestConnector>>;
      let figures: FuzzFigures;
      const runs = RUNS[dialect.name];
      const seed = dialect.name === 'sqlite' ? SEED : SEED + 1_000_000;

      beforeAll(async () => {
        hubspot = await startFakeHubSpot({ clientSecret: HUBSPOT_SECRET });
        receiver = await startReceiver(TEST_SECRET);
        const config = apiTestConfig(hubspot.url, receiver.url).replace(
          'hubspot: { clientSecret:',
          'hubspot: { clientId: fake-client-id, clientSecret:',
        );
        const databaseUrl =
          dialect.name === 'sqlite'
            ? `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-fuzz-')), 'hookpost.db')}`
            : await dialect.url();
        connector = await startTestConnector(config, {
          databaseUrl,
          env: { HOOKPOST_ENCRYPTION_KEY: ENCRYPTION_KEY },
          api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
        });
        // The worker runs too: what was accepted is then processed (a crash there fails the run).
        // Debug lines for 20,000 requests would only fill memory; warnings and errors stay.
        connector.logger.level = 'warn';
      });
      afterAll(async () => {
        await connector?.stop();
        await receiver?.close();
        await hubspot?.close();
      });

      it(`answers ${runs} generated requests without a 5xx or a crash`, { timeout: 600_000 }, async () => {
        console.info(`[fuzz ${dialect.name}] seed=${seed} (replay: HOOKPOST_FUZZ_SEED=${SEED})`);
        const baselineRss = process.memoryUsage.rss();
        figures = await drive(connector.baseUrl, generate(runs, seed), CONCURRENCY);
        console.info(describeFigures(dialect.name, seed, figures));
        const failures = figures.serverErrors.map(
          (e) => `${e.status} ${e.answer}\n  input: ${describeInput(e.input)}`,
        );
        expect(failures, `seed ${seed}: 5xx or no answer`).toEqual([]);
        expect(
          (await fetch(`${connector.baseUrl}/healthz`)).status,
          `seed ${seed}: healthz after the run`,
        ).toBe(200);
        expect(figures.peakRssBytes - baselineRss, `seed ${seed}: RSS growth`).toBeLessThan(
          RSS_GROWTH_LIMIT_BYTES,
        );
        expect(figures.inputs).toBe(runs);
      });

      it('stored an inbound delivery for every 2xx answer', async () => {
        expect(figures, 'the fuzz run above did not finish').toBeDefined();
        const rows = await connector.handle.db.selectFrom('raw_deliveries').select('body').execute();
        const stored = new Set(rows.map((row) => row.body));
        // Stored as the connector stores it: a Salesforce SessionId redacted (a live session
        // must not rest in the database) and NUL characters removed (PostgreSQL text).
        const asStored = (ack: { endpoint: string; body: string }) =>
          (ack.endpoint === 'salesforce' ? redactSessionId(ack.body).toString('utf8') : ack.body).replaceAll(
            '\u0000',
            '',
          );
        const missing = figures.acknowledged.filter((ack) => !stored.has(asStored(ack)));
        // A `contact.privacyDeletion` the worker processed blanks the bodies of every delivery
        // about that person (the row stays): those are stored, their text is not.
        // Likewise a delivery about a record already erased is stored with that record's items
        // redacted (erasure tombstones).
        const purged = rows.filter(
          (row) =>
            row.body === PRIVACY_PURGED ||
            row.body === '[redacted: erased record]' ||
            row.body.includes('"redacted":"erased record"'),
        ).length;
        expect(
          missing.length <= purged
            ? []
            : missing.slice(0, 5).map((m) => `${m.endpoint}: ${m.body.slice(0, 200)}`),
          `seed ${seed}: acknowledged but not stored (${missing.length} missing, ${purged} purged rows)`,
        ).toEqual([]);
        expect(rows.length).toBeGreaterThanOrEqual(figures.acknowledged.length);
        expect(figures.acknowledged.length).toBeGreaterThan(0);
      });
    },
  );
}
