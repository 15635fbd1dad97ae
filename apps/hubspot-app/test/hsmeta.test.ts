import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HOOKPOST_SCOPES, parseWebhookBatch } from '@hookpost/hubspot';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { appSchema, hsprojectSchema, webhooksSchema, workflowActionSchema } from './schemas.js';

const root = path.resolve(import.meta.dirname, '..');
const readJson = (file: string) =>
  JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
/** The connector placeholder the README tells operators to replace (the connector routes). */
const CONNECTOR = 'https://YOUR-CONNECTOR';

const project = hsprojectSchema.parse(readJson('hsproject.json'));
const metaFiles = (readdirSync(path.join(root, project.srcDir), { recursive: true }) as string[])
  .filter((file) => file.endsWith('-hsmeta.json'))
  .map((file) => path.join(project.srcDir, file))
  .sort();

const schemas: Record<string, z.ZodType> = {
  app: appSchema,
  webhooks: webhooksSchema,
  'workflow-action': workflowActionSchema,
};
const folderOf: Record<string, string> = {
  app: 'src/app',
  webhooks: 'src/app/webhooks',
  'workflow-action': 'src/app/workflow-actions',
};

describe('HubSpot project files', () => {
  it('finds the app, webhooks and workflow action definitions', () => {
    expect(metaFiles).toEqual([
      'src/app/app-hsmeta.json',
      'src/app/webhooks/webhooks-hsmeta.json',
      'src/app/workflow-actions/send-direct-mail-hsmeta.json',
    ]);
  });

  it.each(metaFiles)(
    '%s matches the documented schema for its type and sits in its feature folder',
    (file) => {
      const json = readJson(file);
      const schema = schemas[String(json.type)];
      expect(schema, `unknown component type ${String(json.type)}`).toBeDefined();
      const result = schema!.safeParse(json);
      expect(result.success ? [] : result.error.issues).toEqual([]);
      expect(path.dirname(file)).toBe(folderOf[String(json.type)]);
    },
  );

  it('uses unique uids', () => {
    const uids = metaFiles.map((file) => readJson(file).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('points every URL at the connector placeholder and its documented routes', () => {
    const app = appSchema.parse(readJson('src/app/app-hsmeta.json'));
    expect(app.config.auth.redirectUrls).toEqual([`${CONNECTOR}/oauth/hubspot/callback`]);
    const webhooks = webhooksSchema.parse(readJson('src/app/webhooks/webhooks-hsmeta.json'));
    expect(webhooks.config.settings.targetUrl).toBe(`${CONNECTOR}/webhooks/hubspot`);
    const action = workflowActionSchema.parse(
      readJson('src/app/workflow-actions/send-direct-mail-hsmeta.json'),
    );
    expect(action.config.actionUrl).toBe(`${CONNECTOR}/webhooks/hubspot/workflow-action`);
    const campaign = action.config.inputFields?.find((f) => f.typeDefinition.name === 'campaign');
    expect(campaign?.typeDefinition.optionsUrl).toBe(`${CONNECTOR}/webhooks/hubspot/workflow-action/options`);
    for (const file of metaFiles) {
      const urls = JSON.stringify(readJson(file)).match(/https:\/\/[^"]+/g) ?? [];
      for (const found of urls)
        expect(found.startsWith(`${CONNECTOR}/`) || found === 'https://api.hubapi.com').toBe(true);
    }
  });

  it('asks for exactly the scopes the connector sends at install (one list, @hookpost/hubspot)', () => {
    const { auth } = appSchema.parse(readJson('src/app/app-hsmeta.json')).config;
    expect(auth.type).toBe('oauth');
    // HubSpot refuses an install whose `scope` lacks a required scope of the app.
    expect(auth.requiredScopes).toEqual([...HOOKPOST_SCOPES.required]);
    expect(auth.optionalScopes).toEqual([...HOOKPOST_SCOPES.optional]);
    expect(auth.requiredScopes.filter((scope) => auth.optionalScopes.includes(scope))).toEqual([]);
  });

  it('subscribes to creation, deletion, merge and the trigger properties of contacts, companies and deals', () => {
    const { subscriptions } = webhooksSchema.parse(readJson('src/app/webhooks/webhooks-hsmeta.json')).config;
    const keys = subscriptions.crmObjects.map(
      (s) => `${s.objectType}:${s.subscriptionType}${s.propertyName ? `:${s.propertyName}` : ''}`,
    );
    for (const object of ['contact', 'company', 'deal']) {
      for (const action of ['creation', 'deletion', 'merge'])
        expect(keys).toContain(`${object}:object.${action}`);
    }
    for (const property of ['lifecyclestage', 'address', 'city', 'zip', 'state', 'country']) {
      expect(keys).toContain(`contact:object.propertyChange:${property}`);
    }
    expect(keys).toContain('deal:object.propertyChange:dealstage');
    expect(new Set(keys).size).toBe(keys.length);
    expect(subscriptions.hubEvents).toEqual([{ subscriptionType: 'contact.privacyDeletion', active: true }]);
  });

  it('subscribes only to events @hookpost/hubspot understands (no kind "unknown")', () => {
    const { subscriptions } = webhooksSchema.parse(readJson('src/app/webhooks/webhooks-hsmeta.json')).config;
    const typeIds: Record<string, string> = { contact: '0-1', company: '0-2', deal: '0-3' };
    const all = [...subscriptions.crmObjects, ...subscriptions.legacyCrmObjects, ...subscriptions.hubEvents];
    const body = all.map((subscription, index) => ({
      eventId: index,
      subscriptionId: index,
      portalId: 62515,
      occurredAt: 1_764_237_600_000,
      subscriptionType: subscription.subscriptionType,
      objectId: 1,
      ...(subscription.objectType ? { objectTypeId: typeIds[subscription.objectType] } : {}),
      ...(subscription.propertyName ? { propertyName: subscription.propertyName, propertyValue: 'x' } : {}),
    }));
    const events = parseWebhookBatch(JSON.stringify(body));
    expect(events.filter((event) => event.kind === 'unknown')).toEqual([]);
    expect(new Set(events.map((event) => event.objectType))).toEqual(new Set(['contact', 'company', 'deal']));
  });

  it('offers a campaign picker on contacts and deals, labelled in English', () => {
    const { config } = workflowActionSchema.parse(
      readJson('src/app/workflow-actions/send-direct-mail-hsmeta.json'),
    );
    const campaign = config.inputFields?.find((field) => field.typeDefinition.name === 'campaign');
    expect(campaign).toMatchObject({
      isRequired: true,
      typeDefinition: { type: 'enumeration', fieldType: 'select' },
    });
    // Filled at run time with the workspace's campaigns (options fetch), never a static list.
    expect(campaign?.typeDefinition.options).toBeUndefined();
    expect(campaign?.typeDefinition.optionsUrl).toMatch(/\/webhooks\/hubspot\/workflow-action\/options$/);
    expect(config.objectTypes).toEqual(['CONTACT', 'DEAL']);
    const labels = config.labels.en;
    expect(labels?.actionName).toBe('Send direct mail');
    for (const field of config.inputFields ?? [])
      expect(labels?.inputFieldLabels?.[field.typeDefinition.name]).toBeDefined();
  });
});
