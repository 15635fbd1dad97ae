import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, hubspotBatch, postHubSpot } from './support/api-client.js';
import { spawnCli } from './support/cli.js';
import { eventually } from './support/connector.js';
import { dialectCases } from './support/databases.js';
import { germanContact, type MailBackWorld, startMailBackWorld } from './support/mail-back.js';

type PlatformCancel = { status: string; detail: string | null } | null;

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `cancelling a piece after hand-off, and simulate mail (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let world: MailBackWorld;
      const platformCancelOf = (id: string) =>
        eventually(async () => {
          const mail = (await world.api(`/triggers/${id}`)).body.mail as { platformCancel: PlatformCancel };
          return mail.platformCancel && mail.platformCancel.status !== 'requested'
            ? mail.platformCancel
            : undefined;
        });

      beforeAll(async () => {
        world = await startMailBackWorld(await dialect.url());
      });
      afterAll(async () => {
        await world?.stop();
      });

      it('cancels a reversed piece at the platform before it is printed, and keeps a 409 once it is', async () => {
        world.hubspot.addRecord('contact', '205', germanContact('Eichenweg 5'));
        world.hubspot.addRecord('contact', '206', germanContact('Eichenweg 6'));
        const early = await world.mailContact(205);
        const late = await world.mailContact(206);
        expect(await world.platform.emit(early, 'accepted')).toBe(204);
        expect(await world.platform.emit(late, 'accepted')).toBe(204);
        // Printed at the platform, not reported yet: Hookpost still tries, the platform says too late.
        const piece = world.platform.pieces.get(late);
        if (piece) piece.status = 'printed';
        for (const id of ['205', '206'])
          world.hubspot.addRecord('contact', id, {
            ...germanContact(`Eichenweg ${id.slice(2)}`),
            lifecyclestage: 'lead',
          });
        // The connector caches CRM reads for 5 s; the reversal must read the changed record.
        await new Promise((r) => setTimeout(r, 5_100));
        expect((await world.change(205, 'lifecyclestage', 'lead')).status).toBe(204);
        expect((await world.change(206, 'lifecyclestage', 'lead')).status).toBe(204);

        expect(await platformCancelOf(early)).toMatchObject({ status: 'cancelled' });
        expect(await platformCancelOf(late)).toMatchObject({
          status: 'too_late',
          detail: expect.stringContaining('409'),
        });
        const cancel = world.platform.cancels.find((c) => c.triggerId === early);
        expect(cancel).toMatchObject({ answered: 200, webhookId: `${early}.cancel` });
        expect(cancel?.reason).toMatch(/reversed by event/);
        expect(world.platform.unverified).toEqual([]);
        expect(await world.trigger(early)).toMatchObject({ status: 'delivered', mail_status: 'cancelled' });
        expect(await world.trigger(late)).toMatchObject({
          mail_status: 'accepted',
          platform_cancel: 'too_late',
        });
      });

      it('cancels a delivered piece at the platform when the operator cancels it', async () => {
        world.hubspot.addRecord('contact', '208', germanContact('Ahornweg 8'));
        const id = await world.mailContact(208);
        const response = await fetch(`${world.connector.baseUrl}/api/triggers/${id}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(response.status).toBe(202);
        expect(await response.json()).toMatchObject({ id, status: 'delivered', platformCancel: 'requested' });
        expect(await platformCancelOf(id)).toMatchObject({ status: 'cancelled' });
        expect(world.platform.cancels.find((c) => c.triggerId === id)?.reason).toBe('cancelled by operator');
      });

      it('cancels the pieces of a privacy-deleted contact at the platform', async () => {
        world.hubspot.addRecord('contact', '211', germanContact('Erlenweg 11'));
        const id = await world.mailContact(211);
        const batch = hubspotBatch([{ subscriptionType: 'contact.privacyDeletion', objectId: 211 }]);
        expect(await postHubSpot(world.connector.baseUrl, batch.body)).toBe(204);
        expect(await platformCancelOf(id)).toMatchObject({ status: 'cancelled' });
        expect(world.platform.cancels.find((c) => c.triggerId === id)?.reason).toBe('privacy_deletion');
      });

      // The CLI talks HTTP only: one database is enough.
      it.runIf(dialect.name === 'sqlite')(
        'hookpost simulate mail sends a status the connector verifies and records',
        async () => {
          world.hubspot.addRecord('contact', '209', germanContact('Lärchenweg 9'));
          const id = await world.mailContact(209);
          const file = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-cfg-')), 'hookpost.config.yaml');
          writeFileSync(file, world.configText);
          // The connector runs in this process: the CLI must run beside it, not block it.
          const cli = async (...extra: string[]) => {
            const child = spawnCli([
              'simulate',
              'mail',
              '--url',
              world.connector.baseUrl,
              '-c',
              file,
              ...extra,
            ]);
            try {
              return { code: await child.exited, output: child.output() };
            } finally {
              child.child.kill();
            }
          };
          const run = await cli('--trigger', id, '--status', 'in_transit');
          expect(run.output).toContain('<- 204');
          expect(run.code).toBe(0);
          expect(await world.trigger(id)).toMatchObject({ mail_status: 'in_transit' });
          expect((await world.trigger(id)).mail_tracking_id).toMatch(/^SIM/);
          const unknown = await cli('--trigger', 'trg_nope', '--status', 'mailed');
          expect(unknown.code).toBe(1);
          expect(unknown.output).toMatch(/404.*unknown_trigger/);
        },
      );
    },
  );
}
