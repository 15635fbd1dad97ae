import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildOutboundMessage } from '@hookpost/salesforce';
import { sampleSalesforceId } from '@hookpost/salesforce/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_ID } from './support/api-client.js';
import { runCliAsync } from './support/cli.js';
import { dialectCases } from './support/databases.js';
import type { EventView } from './support/guarantees.js';
import {
  GERMAN_CONTACT,
  GERMAN_LEAD,
  type SalesforceScenario,
  startSalesforceScenario,
} from './support/salesforce-scenario.js';

interface DryRunAnswer {
  events: {
    event: { objectType: string; objectId: string; source: Record<string, unknown> };
    decisions: { campaignId: string; outcome: string; reason: string | null; detail: string | null }[];
  }[];
}

interface TriggerDetail {
  id: string;
  status: string;
  reason: string | null;
  recipientRef: string;
}

const decision = (event: EventView, campaign: string) =>
  event.decisions.find((d) => d.campaignId === campaign);

/** The LeadChangeEvent of a conversion: an UPDATE with the conversion fields and no LastModifiedDate. */
const CONVERSION_FIELDS = [
  'Status',
  'IsConverted',
  'ConvertedDate',
  'ConvertedAccountId',
  'ConvertedContactId',
];

for (const dialect of dialectCases()) {
  describe.skipIf(dialect.skipReason !== null)(
    `a converted Lead is its Contact (${dialect.name}${dialect.skipReason ? `: skipped, ${dialect.skipReason}` : ''})`,
    () => {
      let s: SalesforceScenario;
      const piece = async (id: string) => (await s.api.get<TriggerDetail>(`/triggers/${id}`)).body;
      const newLead = () => {
        const id = sampleSalesforceId('00Q');
        s.salesforce.addRecord('Lead', id, { ...GERMAN_LEAD, IsConverted: false, ConvertedContactId: null });
        return id;
      };
      const leadMessage = (id: string, extra: Record<string, string | null> = {}) =>
        s.outbound('Lead', { Id: id, ...GERMAN_LEAD, IsConverted: 'false', ...extra });
      const conversionChange = (leadId: string) => {
        const lead = s.salesforce.getRecord('Lead', leadId);
        return s.change(
          { entityName: 'Lead', changeType: 'UPDATE', recordId: leadId, changedFields: CONVERSION_FIELDS },
          {
            Status: lead?.Status,
            IsConverted: true,
            ConvertedDate: lead?.ConvertedDate,
            ConvertedAccountId: lead?.ConvertedAccountId,
            ConvertedContactId: lead?.ConvertedContactId,
          },
        );
      };

      beforeAll(async () => {
        s = await startSalesforceScenario(dialect);
      });
      afterAll(async () => {
        await s?.stop();
      });

      it('an outbound message with IsConverted moves the pending piece to the Contact; later Lead events are the Contact’s', async () => {
        const lead = newLead();
        const first = await s.decided(await leadMessage(lead));
        const leadPiece = decision(first, 'lead-welcome');
        expect(leadPiece).toMatchObject({ outcome: 'triggered', recipientRef: `salesforce:lead:${lead}` });

        const { contactId } = s.salesforce.convertLead(lead);
        // The fake behaves like Salesforce: the converted Lead is still readable, with the conversion fields.
        expect(s.salesforce.getRecord('Lead', lead)).toMatchObject({
          IsConverted: true,
          ConvertedContactId: contactId,
        });
        const conversion = await s.decided(
          await leadMessage(lead, { IsConverted: 'true', ConvertedContactId: contactId }),
        );
        expect(conversion).toMatchObject({ status: 'skipped', reason: 'merged' });
        expect(decision(conversion, 'lead-welcome')?.detail).toBe(
          `salesforce:lead:${lead} merged into salesforce:contact:${contactId}: 1 piece(s) moved to the survivor, 0 duplicate pending piece(s) cancelled`,
        );
        expect(await piece(leadPiece?.triggerId as string)).toMatchObject({
          status: 'pending',
          recipientRef: `salesforce:contact:${contactId}`,
        });

        // The Contact's own message (a Flow on Contact) fires the Contact campaign once.
        const contact = await s.decided(await s.outbound('Contact', { Id: contactId, ...GERMAN_CONTACT }));
        expect(decision(contact, 'customer-welcome')).toMatchObject({ outcome: 'triggered' });
        // A late message for the Lead id is the Contact's: no second piece for the same person.
        const late = await s.decided(await leadMessage(lead));
        expect(decision(late, 'customer-welcome')).toMatchObject({
          outcome: 'skipped',
          reason: 'already_sent',
          recipientRef: `salesforce:contact:${contactId}`,
        });
        expect(late.triggers).toHaveLength(0);
        const events = await s.api.get<{ data: { id: string }[] }>(`/events?recipient=${contactId}`);
        expect(events.body.data.map((e) => e.id)).toEqual(expect.arrayContaining([late.id, contact.id]));
      });

      it('two Leads converted into one Contact (LeadChangeEvent): their two pending pieces become one', async () => {
        const [a, b] = [newLead(), newLead()];
        const pa = decision(await s.decided(await leadMessage(a)), 'lead-welcome')?.triggerId as string;
        const pb = decision(await s.decided(await leadMessage(b)), 'lead-welcome')?.triggerId as string;
        expect([(await piece(pa)).status, (await piece(pb)).status]).toEqual(['pending', 'pending']);

        const { contactId } = s.salesforce.convertLead(a);
        // The second Lead is converted into the existing Contact (Salesforce's "merge into existing").
        s.salesforce.convertLead(b, { contactId });
        const first = await s.decided(conversionChange(a));
        expect(first).toMatchObject({ status: 'skipped', reason: 'merged' });
        const second = await s.decided(conversionChange(b));
        expect(decision(second, 'lead-welcome')?.detail).toMatch(
          new RegExp(
            `^salesforce:lead:${b} merged into salesforce:contact:${contactId}: 1 piece\\(s\\) moved .* 1 duplicate pending piece\\(s\\) cancelled \\(${pb}\\)$`,
          ),
        );
        expect(await piece(pa)).toMatchObject({
          status: 'pending',
          recipientRef: `salesforce:contact:${contactId}`,
        });
        expect(await piece(pb)).toMatchObject({
          status: 'cancelled',
          recipientRef: `salesforce:contact:${contactId}`,
        });
        expect((await piece(pb)).reason).toMatch(
          new RegExp(`^duplicate_after_merge: .* trigger ${pa} stays pending`),
        );
      });

      it('a suppression of the Lead carries over to the Contact it became', async () => {
        const lead = newLead();
        const suppressed = await s.api.post('/suppressions', {
          crm: { platform: 'salesforce', objectType: 'lead', objectId: lead },
          reason: 'asked not to be mailed',
        });
        expect(suppressed.status).toBe(201);
        const { contactId } = s.salesforce.convertLead(lead);
        expect(await s.decided(conversionChange(lead))).toMatchObject({ reason: 'merged' });
        const contact = await s.decided(await s.outbound('Contact', { Id: contactId, ...GERMAN_CONTACT }));
        expect(decision(contact, 'customer-welcome')).toMatchObject({
          outcome: 'skipped',
          reason: 'suppressed',
        });
        expect(contact.triggers).toHaveLength(0);
      });

      it('deleting a converted Lead removes the Lead, not the Contact it became', async () => {
        const lead = newLead();
        const { contactId } = s.salesforce.convertLead(lead);
        expect(await s.decided(conversionChange(lead))).toMatchObject({ reason: 'merged' });
        const contact = await s.decided(await s.outbound('Contact', { Id: contactId, ...GERMAN_CONTACT }));
        const pieceId = decision(contact, 'customer-welcome')?.triggerId as string;
        expect(await piece(pieceId)).toMatchObject({ status: 'pending' });

        // An admin cleans up the old converted Lead: a plain delete, no MasterRecordId.
        s.salesforce.getRecord('Lead', lead)!.IsDeleted = true;
        await s.decided(s.change({ entityName: 'Lead', changeType: 'DELETE', recordId: lead }));
        expect(await piece(pieceId)).toMatchObject({ status: 'pending' });
        const later = await s.decided(await s.outbound('Contact', { Id: contactId, ...GERMAN_CONTACT }));
        expect(decision(later, 'customer-welcome')).toMatchObject({
          outcome: 'skipped',
          reason: 'already_sent',
        });
      });

      it('a Lead whose record read shows it converted is addressed as its Contact', async () => {
        const lead = newLead();
        const { contactId } = s.salesforce.convertLead(lead);
        // The message carries no conversion fields; the read of the Lead does.
        const event = await s.decided(await s.outbound('Lead', { Id: lead, ...GERMAN_LEAD }));
        expect(decision(event, 'lead-welcome')).toMatchObject({
          outcome: 'triggered',
          recipientRef: `salesforce:contact:${contactId}`,
        });
      });

      it('Leads converted without a conversion event: the reads merge them, their pending pieces become one', async () => {
        const [a, b] = [newLead(), newLead()];
        // Messages that carry every field the campaigns need: no read yet, none cached.
        const whole = (id: string) =>
          leadMessage(id, { State: 'NW', ConvertedContactId: '', Do_Not_Mail__c: 'false' });
        const pa = decision(await s.decided(await whole(a)), 'lead-welcome')?.triggerId as string;
        const pb = decision(await s.decided(await whole(b)), 'lead-welcome')?.triggerId as string;
        const { contactId } = s.salesforce.convertLead(a);
        s.salesforce.convertLead(b, { contactId });

        // Messages without the conversion fields: only the reads of the Leads show the conversion.
        await s.decided(await s.outbound('Lead', { Id: a, ...GERMAN_LEAD }));
        expect(await piece(pa)).toMatchObject({
          status: 'pending',
          recipientRef: `salesforce:contact:${contactId}`,
        });
        const later = await s.decided(await s.outbound('Lead', { Id: b, ...GERMAN_LEAD }));
        expect(decision(later, 'lead-welcome')).toMatchObject({ outcome: 'skipped', reason: 'already_sent' });
        expect(await piece(pa)).toMatchObject({ status: 'pending' });
        expect(await piece(pb)).toMatchObject({
          status: 'cancelled',
          recipientRef: `salesforce:contact:${contactId}`,
        });
      });

      it('the opt-out of the Contact a Lead became holds for the Lead campaign', async () => {
        const lead = newLead();
        const { contactId } = s.salesforce.convertLead(lead);
        s.salesforce.getRecord('Contact', contactId)!.Do_Not_Mail__c = true;
        const event = await s.decided(await s.outbound('Lead', { Id: lead, ...GERMAN_LEAD }));
        expect(decision(event, 'lead-welcome')).toMatchObject({
          outcome: 'skipped',
          reason: 'suppressed',
          detail: 'opt-out property set in the CRM',
          recipientRef: `salesforce:contact:${contactId}`,
        });
      });

      it('dry runs decide a converted Lead as its Contact (POST /api/dry-run and hookpost dry-run)', async () => {
        const lead = newLead();
        await s.decided(await leadMessage(lead));
        const { contactId } = s.salesforce.convertLead(lead);
        await s.decided(conversionChange(lead));
        await s.decided(await s.outbound('Contact', { Id: contactId, ...GERMAN_CONTACT }));
        const xml = buildOutboundMessage({
          organizationId: ORG_ID,
          actionId: '04k5e000000AbCdAAK',
          notifications: [
            { id: sampleSalesforceId('04l'), objectType: 'Lead', fields: { Id: lead, ...GERMAN_LEAD } },
          ],
        });
        const expectSurvivor = (answer: DryRunAnswer) => {
          const [result] = answer.events;
          expect(result?.event).toMatchObject({
            objectType: 'contact',
            objectId: contactId,
            source: { mergedFrom: lead, mergedFromType: 'lead' },
          });
          expect(result?.decisions.find((d) => d.campaignId === 'customer-welcome')).toMatchObject({
            outcome: 'skipped',
            reason: 'already_sent',
          });
        };
        const api = await s.api.post<DryRunAnswer>('/dry-run', { salesforce: xml });
        expect(api.status).toBe(200);
        expectSurvivor(api.body);

        const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-leadconv-'));
        writeFileSync(path.join(dir, 'hookpost.config.yaml'), s.configText);
        writeFileSync(path.join(dir, 'lead.xml'), xml);
        const env = { HOOKPOST_CONFIG: path.join(dir, 'hookpost.config.yaml'), DATABASE_URL: s.databaseUrl };
        const json = await runCliAsync(['dry-run', 'lead.xml', '--json'], env, dir);
        expect(json.stderr).not.toMatch(/error/i);
        expect(json.code).toBe(0);
        expectSurvivor(JSON.parse(json.stdout) as DryRunAnswer);
        const text = await runCliAsync(['dry-run', 'lead.xml'], env, dir);
        expect(text.stdout).toContain(`salesforce contact ${contactId} (merged from lead ${lead}) updated`);
        expect(text.stdout).toMatch(/customer-welcome\s+skipped\s+already_sent/);
      }, 60_000);
    },
  );
}
