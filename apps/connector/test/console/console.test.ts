import { type FakeHubSpot, startFakeHubSpot } from '@hookpost/hubspot/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminApi } from '../../src/api/router.js';
import { createSessions } from '../../src/api/session.js';
import { consoleRoutes } from '../../src/server/console.js';
import {
  ADMIN_TOKEN,
  type AdminClient,
  adminClient,
  apiTestConfig,
  hubspotBatch,
  postHubSpot,
  propertyChange,
} from '../support/api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from '../support/connector.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { chromiumMissing, launchChromium, screenshot, signIn, watchPage } from './browser.js';

const GERMAN = { address: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'Germany' };

describe.skipIf(chromiumMissing && !process.env.CI)('operator console in Chromium', () => {
  let hubspot: FakeHubSpot;
  let receiver: Receiver;
  let connector: Awaited<ReturnType<typeof startTestConnector>>;
  let api: AdminClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  /** Sends one HubSpot property change and waits until the worker decided it. */
  async function send(objectId: number, property: string, value: string): Promise<string> {
    const batch = hubspotBatch([propertyChange(objectId, property, value)]);
    expect(await postHubSpot(connector.baseUrl, batch.body)).toBe(204);
    const id = batch.ids[0] as string;
    await eventually(async () => {
      const answer = await api.get<{ status: string }>(`/events/${id}`);
      return answer.body.status !== 'pending' ? true : undefined;
    });
    return id;
  }

  beforeAll(async () => {
    hubspot = await startFakeHubSpot();
    for (const id of ['402', '403', '404', '405', '406', '407'])
      hubspot.addRecord('contact', id, {
        firstname: `P${id}`,
        lastname: 'Muster',
        email: `p${id}@example.com`,
        ...GERMAN,
      });
    // No postal code and no city: the welcome pack cannot be addressed.
    hubspot.addRecord('contact', '401', {
      firstname: 'Ohne',
      lastname: 'Adresse',
      address: 'Weg 1',
      country: 'Germany',
    });
    receiver = await startReceiver(TEST_SECRET);
    const sessions = createSessions(ADMIN_TOKEN);
    connector = await startTestConnector(apiTestConfig(hubspot.url, receiver.url), {
      api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN, sessions }),
      console: () => consoleRoutes({ sessions }),
    });
    api = adminClient(connector.baseUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await connector?.stop();
    await receiver?.close();
    await hubspot?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await signIn(context, connector.baseUrl, ADMIN_TOKEN);
    problems = watchPage(page);
  });

  afterEach(async ({ task }) => {
    // A failing test keeps the page it failed on, next to the others.
    if (task.result?.state === 'fail' && page)
      await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    await context?.close();
  });

  it('signs in with the admin token: HttpOnly SameSite=Strict session, strict CSP, no page errors', async () => {
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'hookpost_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const response = await page.request.get(`${connector.baseUrl}/console/`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Events by outcome' }).waitFor();
    await screenshot(page, '01-overview');
    // The session works for reads; a write without the CSRF header is refused.
    expect((await page.request.get(`${connector.baseUrl}/api/stats`)).status()).toBe(200);
    expect(
      (await page.request.post(`${connector.baseUrl}/api/triggers/replay-dead`, { data: {} })).status(),
    ).toBe(401);
    expect(problems).toEqual([]);
  });

  it('finds an event by recipient and shows why it was skipped', async () => {
    const id = await send(401, 'lifecyclestage', 'customer');
    await page.goto(`${connector.baseUrl}/console/#/events`);
    await page.getByLabel('Recipient').fill('401');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.getByTestId('events-table').getByRole('row').filter({ hasText: 'contact 401' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('link').click();
    const decision = page.getByTestId('decisions-table').getByRole('row').filter({ hasText: 'welcome-pack' });
    await decision.waitFor();
    expect(await decision.textContent()).toContain('incomplete_address');
    expect(page.url()).toContain(encodeURIComponent(id));
    // The CRM's values are masked until asked for.
    const payload = page.locator('pre.json');
    expect(await payload.textContent()).not.toContain('"customer"');
    await screenshot(page, '02-event-skipped');
    await page.getByRole('button', { name: 'Show personal data' }).click();
    await payload.getByText('"customer"').waitFor();
  });

  it('follows the live tail while events arrive', async () => {
    await page.goto(`${connector.baseUrl}/console/#/events`);
    await page.getByLabel('Live tail').check();
    await page.getByText('Live tail: live').waitFor();
    await send(402, 'lifecyclestage', 'customer');
    await send(403, 'lifecyclestage', 'customer');
    const tail = page.getByTestId('tail-table');
    for (const record of ['contact 402', 'contact 403'])
      await tail.getByRole('row').filter({ hasText: record }).filter({ hasText: 'triggered' }).waitFor();
    await screenshot(page, '03-live-tail');
  });

  it('cancels a pending piece', async () => {
    const eventId = await send(404, 'city', 'Bonn');
    const event = await api.get<{ triggers: { id: string; status: string }[] }>(`/events/${eventId}`);
    const piece = event.body.triggers[0];
    expect(piece?.status).toBe('pending');
    await page.goto(`${connector.baseUrl}/console/#/pieces/${piece?.id}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('piece-reason').getByText('cancelled by operator').waitFor();
    expect((await api.get<{ status: string }>(`/triggers/${piece?.id}`)).body.status).toBe('cancelled');
    await screenshot(page, '04-piece-cancelled');
  });

  it('bulk-replays dead letters after the destination recovers, under the same webhook-ids', async () => {
    receiver.always(410);
    const events = [await send(405, 'zip', '51149'), await send(406, 'zip', '51150')];
    const pieceIds = await eventually(async () => {
      const ids: string[] = [];
      for (const id of events) {
        const view = await api.get<{ triggers: { id: string; status: string }[] }>(`/events/${id}`);
        const dead = view.body.triggers.find((t) => t.status === 'dead');
        if (!dead) return undefined;
        ids.push(dead.id);
      }
      return ids;
    });
    receiver.always(null);
    await page.goto(`${connector.baseUrl}/console/#/dead-letters`);
    await page.getByLabel('Campaign').fill('address-update');
    const replay = page.getByRole('button', { name: 'Replay 2 dead pieces' });
    await replay.waitFor();
    await screenshot(page, '05-dead-letters');
    await replay.click();
    await page.getByRole('status').getByText('2 queued for delivery.').waitFor();
    await receiver.waitFor((received) =>
      pieceIds.every((id) => received.some((r) => r.webhookId === id && r.status === 200)),
    );
    for (const id of pieceIds)
      expect((await api.get<{ status: string }>(`/triggers/${id}`)).body.status).toBe('delivered');
    await page.getByText('No dead pieces.').waitFor();
    await screenshot(page, '06-dead-letters-replayed');
  });

  it('adds a suppression, and the next event for that person is skipped', async () => {
    await page.goto(`${connector.baseUrl}/console/#/suppressions`);
    await page.getByLabel('E-mail or CRM record id').fill('p407@example.com');
    await page.getByLabel('Reason').fill('phoned in: no more mail');
    await page.getByRole('button', { name: 'Suppress' }).click();
    await page.getByText('Suppressed (email)').waitFor();
    await page.getByTestId('suppressions-table').getByText('phoned in: no more mail').waitFor();
    await screenshot(page, '07-suppression-added');

    const id = await send(407, 'lifecyclestage', 'customer');
    await page.goto(`${connector.baseUrl}/console/#/events/${id}`);
    const decision = page.getByTestId('decisions-table').getByRole('row').filter({ hasText: 'welcome-pack' });
    await decision.waitFor();
    expect(await decision.textContent()).toContain('suppressed');
    expect(
      receiver.received.some(
        (r) => (r.body.recipient as { crm?: { objectId?: string } })?.crm?.objectId === '407',
      ),
    ).toBe(false);
    await screenshot(page, '08-suppressed-event');
  });

  it('shows what happened: overview counts, campaign funnels and one person across events and pieces', async () => {
    await page.goto(`${connector.baseUrl}/console/#/campaigns`);
    const funnel = page.getByTestId('funnel-welcome-pack');
    await funnel.getByText('skipped: incomplete_address').waitFor();
    await funnel.getByText('skipped: suppressed').waitFor();
    await screenshot(page, '09-campaigns');
    await page.goto(`${connector.baseUrl}/console/#/people?q=405`);
    await page
      .getByTestId('person-events')
      .getByRole('row')
      .filter({ hasText: 'contact 405' })
      .first()
      .waitFor();
    await screenshot(page, '10-person');
    await page.goto(`${connector.baseUrl}/console/#/`);
    await page.getByRole('tab', { name: 'Last hour' }).click();
    await page.getByRole('heading', { name: 'Events by outcome' }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, '11-overview-after');
    expect(problems).toEqual([]);
  });
});
