import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const output = mkdtempSync(path.join(tmpdir(), 'hookpost-sfdx-'));
const TOKEN = 'tok_9f2c1e7d3b5a48e6a0c4d2f1e3b5a7c9';
const ENV = {
  HOOKPOST_PUBLIC_URL: 'https://hooks.acme.example',
  HOOKPOST_SF_ENDPOINT_TOKEN: TOKEN,
  HOOKPOST_SF_INTEGRATION_USERNAME: 'hookpost-integration@acme.example',
  // Deploys (zip) always apply replacements; a directory convert does so when asked.
  SF_APPLY_REPLACEMENTS_ON_CONVERT: 'true',
};
const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(output, { recursive: true, force: true });
});

function componentSet(): ComponentSet {
  const set = ComponentSet.fromSource(path.join(root, 'force-app'));
  set.projectDirectory = root;
  return set;
}

describe('offline deploy check with @salesforce/source-deploy-retrieve', () => {
  it('resolves every component of force-app to its metadata type', () => {
    const components = [...componentSet().getSourceComponents()];
    const names = components.map((c) => `${c.type.name}:${c.fullName}`).sort();
    const children = components.flatMap((c) =>
      c.getChildren().map((child) => `${child.type.name}:${child.fullName}`),
    );
    expect(names).toEqual([
      // The last-mail fields the way back writes on Contact and Lead.
      'CustomField:Contact.Hookpost_Last_Mail_Date__c',
      'CustomField:Contact.Hookpost_Last_Mail_Status__c',
      'CustomField:Contact.Hookpost_Last_Mail_Tracking_Id__c',
      'CustomField:Lead.Hookpost_Last_Mail_Date__c',
      'CustomField:Lead.Hookpost_Last_Mail_Status__c',
      'CustomField:Lead.Hookpost_Last_Mail_Tracking_Id__c',
      'CustomPermission:Hookpost_Integration',
      'Flow:Hookpost_Contact_Outbound',
      'Flow:Hookpost_Lead_Outbound',
      'Flow:Hookpost_Opportunity_Outbound',
      'PermissionSet:Hookpost_Integration',
      'Workflow:Contact',
      'Workflow:Lead',
      'Workflow:Opportunity',
    ]);
    expect(children.sort()).toEqual([
      'WorkflowOutboundMessage:Contact.Hookpost_Contact',
      'WorkflowOutboundMessage:Lead.Hookpost_Lead',
      'WorkflowOutboundMessage:Opportunity.Hookpost_Opportunity',
    ]);
  });

  it('converts to metadata format with package.xml, the endpoint token coming from the environment only', async () => {
    Object.assign(process.env, ENV);
    const result = await new MetadataConverter().convert(componentSet(), 'metadata', {
      type: 'directory',
      outputDirectory: output,
      packageName: 'hookpost',
      genUniqueDir: false,
    });
    const dir = result.packagePath ?? '';
    const manifest = readFileSync(path.join(dir, 'package.xml'), 'utf8');
    for (const type of ['CustomPermission', 'Flow', 'PermissionSet', 'Workflow'])
      expect(manifest).toContain(`<name>${type}</name>`);
    const workflow = readFileSync(path.join(dir, 'workflows/Contact.workflow'), 'utf8');
    expect(workflow).toContain(
      `<endpointUrl>https://hooks.acme.example/webhooks/salesforce/${TOKEN}</endpointUrl>`,
    );
    expect(workflow).toContain('<integrationUser>hookpost-integration@acme.example</integrationUser>');
    expect(readFileSync(path.join(dir, 'flows/Hookpost_Opportunity_Outbound.flow'), 'utf8')).toContain(
      'ISCHANGED({!$Record.StageName})',
    );
    // The tracked source keeps the placeholder: the secret is never written into the repository.
    const source = readFileSync(
      path.join(root, 'force-app/main/default/workflows/Contact.workflow-meta.xml'),
      'utf8',
    );
    expect(source).not.toContain(TOKEN);
    expect(source).toContain('https://YOUR-CONNECTOR/webhooks/salesforce/YOUR-TOKEN');
  });

  it('fails the conversion when the token variable is not set', async () => {
    Object.assign(process.env, ENV);
    delete process.env.HOOKPOST_SF_ENDPOINT_TOKEN;
    const failing = new MetadataConverter().convert(componentSet(), 'metadata', {
      type: 'directory',
      outputDirectory: mkdtempSync(path.join(output, 'unset-')),
    });
    await expect(failing).rejects.toThrow(/HOOKPOST_SF_ENDPOINT_TOKEN/);
  });
});
