import { signWebhook } from '@hookpost/core';
import { signV3 } from '@hookpost/hubspot/testing';
import { buildOutboundMessage } from '@hookpost/salesforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_ID, PUBLIC_URL, SF_TOKEN } from './support/api-client.js';
import { eventually, HUBSPOT_SECRET, TEST_SECRET } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { germanContact, type MailBackWorld, SF_CONTACT, startMailBackWorld } from './support/mail-back.js';

type Timeline = Array<{ id: string; status: string; applied: boolean; trackingId: string | null }>;
type MailView = {
  status: string | null;
  trackingId: string | null;
  timeline: Timeline;
  platformCancel: unknown;
};

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `the way back from the mail platform, over real ports (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let world: MailBackWorld;
      const decisionOf = (eventIds: string[], campaignId: string) =>
        eventually(async () =>
          world.connector.handle.db
            .selectFrom('decisions')
            .selectAll()
            .where('event_id', 'in', eventIds)
            .where('campaign_id', '=', campaignId)
            .executeTakeFirst()
            .then((d) => d ?? undefined),
        );
      const mailOf = async (id: string) => (await world.api(`/triggers/${id}`)).body.mail as MailView;

      beforeAll(async () => {
        world = await startMailBackWorld(await dialect.url());
      });
      afterAll(async () => {
        await world?.stop();
      });

      it('follows a HubSpot piece accepted → printed → mailed → delivered, on one engagement and the contact', async () => {
        world.hubspot.addRecord('contact', '201', germanContact());
        const id = await world.mailContact(201);
        // The engagement is created at hand-off…
        const engagement = await eventually(async () =>
          world.hubspot.postalMails.find((m) => JSON.stringify(m.associations).includes('"201"')),
        );
        expect(engagement.properties.hs_postal_mail_body).toContain('handed to the mail platform');
        await world.platform.emit(id, 'accepted');
        await world.platform.emit(id, 'printed');
        const mailed = await world.platform.emit(id, 'mailed', {
          trackingId: 'DE123456789',
          carrier: 'deutsche_post',
          expectedDeliveryAt: '2026-12-03',
        });
        expect(mailed).toBe(204);
        expect(await world.platform.emit(id, 'delivered')).toBe(204);
        // …and updated as the piece moves; the contact carries the last status for workflows.
        await eventually(async () =>
          world.hubspot.data.contacts.get('201')?.hookpost_last_mail_status === 'delivered'
            ? true
            : undefined,
        );
        const engagements = world.hubspot.postalMails.filter((m) =>
          JSON.stringify(m.associations).includes('"201"'),
        );
        expect(engagements).toHaveLength(1);
        await eventually(async () =>
          String(engagements[0]?.properties.hs_postal_mail_body).includes('delivered') ? true : undefined,
        );
        expect(world.hubspot.data.contacts.get('201')?.hookpost_last_mail_tracking_id).toBe('DE123456789');
        const mail = await mailOf(id);
        expect(mail).toMatchObject({ status: 'delivered', trackingId: 'DE123456789' });
        expect(mail.timeline.map((t) => t.status)).toEqual(['accepted', 'printed', 'mailed', 'delivered']);
        const metrics = await (await fetch(`${world.connector.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(/hookpost_mail_statuses_total\{status="delivered",outcome="applied"\} 1/);
      });

      it('follows a Salesforce piece on one Task and the Contact fields', async () => {
        const xml = buildOutboundMessage({
          organizationId: ORG_ID,
          actionId: '04k5e000000AbCdAAK',
          notifications: [
            {
              id: '04l5e000001XyZ9AAK',
              objectType: 'Contact',
              fields: {
                Id: SF_CONTACT,
                FirstName: 'Max',
                LastName: 'Muster',
                MailingStreet: 'Hauptstraße 5',
                MailingPostalCode: '01067',
                MailingCity: 'Dresden',
                MailingCountry: 'Germany',
                LastModifiedDate: '2026-11-27T09:00:00.000Z',
              },
            },
          ],
        });
        const before = new Set(world.platform.pieces.keys());
        const response = await fetch(`${world.connector.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: xml,
        });
        expect(response.status).toBe(200);
        const id = await eventually(async () =>
          [...world.platform.pieces.keys()].find((k) => !before.has(k)),
        );
        await eventually(async () => (world.salesforce.tasks.length === 1 ? true : undefined));
        expect(await world.platform.journey(id, ['accepted', 'mailed', 'delivered'])).toEqual([
          204, 204, 204,
        ]);
        await eventually(async () =>
          world.salesforce.getRecord('Contact', SF_CONTACT)?.Hookpost_Last_Mail_Status__c === 'delivered'
            ? true
            : undefined,
        );
        await eventually(async () =>
          world.salesforce.tasks[0]?.Subject === 'Direct mail delivered' ? true : undefined,
        );
        expect(world.salesforce.tasks).toHaveLength(1);
        expect(world.salesforce.tasks[0]).toMatchObject({ WhoId: SF_CONTACT, Status: 'Completed' });
      });

      it('keeps the furthest status whatever order reports come in, and records a repeated report once', async () => {
        world.hubspot.addRecord('contact', '202', germanContact('Lindenweg 2'));
        const id = await world.mailContact(202);
        const mailed = { id: 'mst_fixed_202', trackingId: 'DE202' };
        expect(await world.platform.emit(id, 'mailed', mailed)).toBe(204);
        expect(await world.platform.emit(id, 'printed')).toBe(204);
        expect(await world.platform.emit(id, 'accepted')).toBe(204);
        expect(await world.platform.emit(id, 'mailed', mailed)).toBe(204);
        const row = await world.trigger(id);
        expect(row.mail_status).toBe('mailed');
        const mail = await mailOf(id);
        expect(mail.timeline).toHaveLength(3);
        expect(Object.fromEntries(mail.timeline.map((t) => [t.status, t.applied]))).toEqual({
          mailed: true,
          printed: false,
          accepted: false,
        });
        const metrics = await (await fetch(`${world.connector.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(/hookpost_mail_statuses_total\{status="mailed",outcome="duplicate"\} 1/);
        expect(metrics).toMatch(/hookpost_mail_statuses_total\{status="printed",outcome="stale"\} 1/);
      });

      it('answers 401, 404, 400 and 413 with a reason, never 5xx', async () => {
        const url = `${world.connector.baseUrl}/webhooks/mail/mailer`;
        const report = {
          type: 'mail.status',
          id: 'mst_x',
          triggerId: 'trg_unknown',
          status: 'mailed',
          occurredAt: new Date().toISOString(),
        };
        const post = async (target: string, body: unknown, secret = TEST_SECRET) => {
          const signed = signWebhook('mst_x', body, secret);
          const response = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signed.headers },
            body: signed.body,
          });
          return { status: response.status, body: (await response.json()) as { error: string } };
        };
        expect(await post(url, report, 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh')).toMatchObject({
          status: 401,
          body: { error: 'invalid_signature' },
        });
        expect(await post(url, report)).toMatchObject({ status: 404, body: { error: 'unknown_trigger' } });
        expect(await post(`${world.connector.baseUrl}/webhooks/mail/nowhere`, report)).toMatchObject({
          status: 404,
          body: { error: 'unknown_destination' },
        });
        expect(await post(url, { ...report, status: 'teleported' })).toMatchObject({
          status: 400,
          body: { error: 'malformed' },
        });
        const huge = await fetch(url, { method: 'POST', body: 'x'.repeat(1_100_000) });
        expect(huge.status).toBe(413);
      });

      it('suppresses a returned address, so the next campaign skips it until the CRM address changes', async () => {
        world.hubspot.addRecord('contact', '203', germanContact('Birkenallee 3'));
        const id = await world.mailContact(203);
        expect(await world.platform.emit(id, 'returned_to_sender', { reason: 'recipient_unknown' })).toBe(
          204,
        );
        const db = world.connector.handle.db;
        const suppression = await db
          .selectFrom('suppressions')
          .selectAll()
          .where('reason', '=', 'returned_to_sender')
          .executeTakeFirst();
        expect(suppression?.kind).toBe('address');
        const next = await world.change(203, 'hs_lead_status', 'reactivate');
        expect(next.status).toBe(204);
        const decision = await decisionOf(next.ids, 'win-back');
        expect(decision).toMatchObject({ outcome: 'skipped', reason: 'suppressed' });
        // The person moved: a new address is not on the list.
        world.hubspot.addRecord('contact', '203', {
          ...germanContact('Kastanienweg 9'),
          hs_lead_status: 'reactivate',
        });
        // The connector caches CRM reads for 5 s; a later event reads the new address.
        await new Promise((r) => setTimeout(r, 5_100));
        const again = await world.change(203, 'hs_lead_status', 'reactivate');
        expect(await decisionOf(again.ids, 'win-back')).toMatchObject({ reason: null, outcome: 'triggered' });
      });

      it('keeps a corrected address and writes it back to the CRM', async () => {
        world.hubspot.addRecord('contact', '204', germanContact('Heidestr. 71'));
        const id = await world.mailContact(204);
        const address = { line1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'DE' };
        expect(await world.platform.emit(id, 'address_corrected', { address })).toBe(204);
        expect(JSON.parse(String((await world.trigger(id)).corrected_address))).toMatchObject(address);
        await eventually(async () =>
          world.hubspot.data.contacts.get('204')?.address === 'Heidestraße 17' ? true : undefined,
        );
        expect(world.hubspot.data.contacts.get('204')).toMatchObject({ zip: '51147', country: 'DE' });
      });

      it('completes a workflow action waiting for "mailed" only when the piece is mailed, with output fields', async () => {
        world.hubspot.addRecord('contact', '210', germanContact('Pappelweg 10'));
        const path = '/webhooks/hubspot/workflow-action';
        const body = JSON.stringify({
          callbackId: 'ap-mail-210',
          origin: { portalId: 62515, actionDefinitionId: 10646377 },
          object: { objectId: 210, objectType: 'CONTACT' },
          inputFields: { campaign: 'welcome-pack', wait_for: 'mailed' },
        });
        const headers = signV3({ secret: HUBSPOT_SECRET, method: 'POST', url: `${PUBLIC_URL}${path}`, body });
        const before = new Set(world.platform.pieces.keys());
        const response = await fetch(`${world.connector.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        expect(await response.json()).toEqual({ outputFields: { hs_execution_state: 'BLOCK' } });
        const id = await eventually(async () =>
          [...world.platform.pieces.keys()].find((k) => !before.has(k)),
        );
        await eventually(async () => ((await world.trigger(id)).status === 'delivered' ? true : undefined));
        expect(await world.platform.emit(id, 'printed')).toBe(204);
        // Handed off and printed: the workflow still waits.
        await new Promise((r) => setTimeout(r, 700));
        const waiting = world.hubspot.completedCallbacks.filter((c) => c.callbackId === 'ap-mail-210');
        expect(waiting).toEqual([]);
        await world.platform.emit(id, 'mailed', { trackingId: 'DE210', expectedDeliveryAt: '2026-12-04' });
        await world.platform.emit(id, 'delivered');
        const done = await eventually(async () =>
          world.hubspot.completedCallbacks.find((c) => c.callbackId === 'ap-mail-210'),
        );
        expect(done.outputFields).toEqual({
          hs_execution_state: 'SUCCESS',
          hookpost_mail_status: 'mailed',
          hookpost_tracking_id: 'DE210',
          hookpost_expected_delivery: '2026-12-04',
        });
        await new Promise((r) => setTimeout(r, 700));
        expect(world.hubspot.completedCallbacks.filter((c) => c.callbackId === 'ap-mail-210')).toHaveLength(
          1,
        );
      });

      it('makes a rejected piece dead with the platform reason', async () => {
        world.hubspot.addRecord('contact', '207', germanContact('Ulmenweg 7'));
        const id = await world.mailContact(207);
        expect(await world.platform.emit(id, 'rejected', { reason: 'address_undeliverable' })).toBe(204);
        expect(await world.trigger(id)).toMatchObject({
          status: 'dead',
          reason: 'rejected by the mail platform: address_undeliverable',
          mail_status: 'rejected',
        });
      });
    },
  );
}
