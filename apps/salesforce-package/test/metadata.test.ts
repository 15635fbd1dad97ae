import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const metadataDir = path.join(root, 'force-app/main/default');
const PLACEHOLDER_URL = 'https://YOUR-CONNECTOR/webhooks/salesforce/YOUR-TOKEN';
// Metadata API order of WorkflowOutboundMessage elements (deploys fail out of order).
const OUTBOUND_ORDER = [
  'fullName',
  'apiVersion',
  'description',
  'endpointUrl',
  'fields',
  'includeSessionId',
  'integrationUser',
  'name',
  'protected',
  'useDeadLetterQueue',
];
// Fields the connector maps to a recipient (see packages/salesforce README).
const REQUIRED_FIELDS: Record<string, string[]> = {
  Contact: [
    'Id',
    'FirstName',
    'LastName',
    'AccountId',
    'MailingStreet',
    'MailingCity',
    'MailingState',
    'MailingPostalCode',
    'MailingCountry',
    'Email',
    'LastModifiedDate',
  ],
  Lead: [
    'Id',
    'FirstName',
    'LastName',
    'Company',
    'Street',
    'City',
    'State',
    'PostalCode',
    'Country',
    'Email',
    'Status',
    'LastModifiedDate',
  ],
  Opportunity: ['Id', 'Name', 'StageName', 'AccountId', 'ContactId', 'Amount', 'IsWon', 'LastModifiedDate'],
};

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? xmlFiles(full) : entry.name.endsWith('.xml') ? [full] : [];
  });
}

interface OrderedNode {
  [key: string]: OrderedNode[] | string;
}
type Ordered = OrderedNode[];
const orderedParser = new XMLParser({ preserveOrder: true, ignoreDeclaration: true, parseTagValue: false });
const parser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  isArray: (name) => ['outboundMessages', 'fields', 'actionCalls'].includes(name),
});

/** Child element names of the first element named `name`, in document order. */
function childOrder(nodes: Ordered, name: string): string[][] {
  const found: string[][] = [];
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (!Array.isArray(value)) continue;
      if (key === name)
        found.push(value.flatMap((child) => Object.keys(child).filter((k) => k !== '#text' && k !== ':@')));
      else found.push(...childOrder(value, name));
    }
  }
  return found;
}

const read = (file: string) => readFileSync(file, 'utf8');
const workflows = Object.fromEntries(
  Object.keys(REQUIRED_FIELDS).map((object) => [
    object,
    path.join(metadataDir, 'workflows', `${object}.workflow-meta.xml`),
  ]),
);

describe('SFDX project', () => {
  it('points sfdx-project.json at force-app', () => {
    const project = JSON.parse(read(path.join(root, 'sfdx-project.json'))) as {
      packageDirectories: { path: string }[];
      sourceApiVersion: string;
    };
    expect(project.packageDirectories.map((d) => d.path)).toEqual(['force-app']);
    expect(project.sourceApiVersion).toMatch(/^\d+\.0$/);
    expect(existsSync(path.join(root, 'force-app'))).toBe(true);
  });

  it('has only well-formed XML without DTDs', () => {
    const files = xmlFiles(metadataDir);
    expect(files.length).toBe(14);
    for (const file of files) {
      expect(XMLValidator.validate(read(file)), file).toBe(true);
      expect(read(file)).not.toMatch(/<!DOCTYPE|<!ENTITY/i);
    }
  });
});

describe.each(Object.keys(REQUIRED_FIELDS))('%s outbound message', (object) => {
  const xml = read(workflows[object] ?? '');
  const message = (parser.parse(xml) as { Workflow: { outboundMessages: Record<string, unknown>[] } })
    .Workflow.outboundMessages[0]!;

  it('lists its elements in the order the Metadata API validates', () => {
    const [order] = childOrder(orderedParser.parse(xml) as Ordered, 'outboundMessages');
    const collapsed = order!.filter((name, i) => name !== order![i - 1]);
    expect(collapsed).toEqual(OUTBOUND_ORDER);
  });

  it('carries the fields the connector maps, the placeholder URL and no session id', () => {
    expect(message.fields).toEqual(expect.arrayContaining(REQUIRED_FIELDS[object] ?? []));
    expect(message.endpointUrl).toBe(PLACEHOLDER_URL);
    expect(message.includeSessionId).toBe('false');
    expect(message.fullName).toBe(`Hookpost_${object}`);
  });
});

describe('flows', () => {
  const flowFiles = readdirSync(path.join(metadataDir, 'flows')).filter((f) => f.endsWith('.flow-meta.xml'));

  it('exist for every outbound message', () => {
    expect(flowFiles.sort()).toEqual(
      Object.keys(REQUIRED_FIELDS).map((o) => `Hookpost_${o}_Outbound.flow-meta.xml`),
    );
  });

  it.each(flowFiles)('%s is an active after-save flow calling an existing outbound message', (file) => {
    const { Flow: flow } = parser.parse(read(path.join(metadataDir, 'flows', file))) as {
      Flow: {
        actionCalls: { name: string; actionName: string; actionType: string }[];
        start: {
          object: string;
          triggerType: string;
          recordTriggerType: string;
          connector: { targetReference: string };
          filterFormula: string;
        };
        processType: string;
        status: string;
      };
    };
    expect(flow.processType).toBe('AutoLaunchedFlow');
    expect(flow.status).toBe('Active');
    expect(flow.start.triggerType).toBe('RecordAfterSave');
    expect(flow.start.recordTriggerType).toBe('CreateAndUpdate');
    const [action] = flow.actionCalls;
    expect(action?.actionType).toBe('outboundMessage');
    expect(flow.start.connector.targetReference).toBe(action?.name);
    const [object, messageName] = (action?.actionName ?? '').split('.');
    expect(object).toBe(flow.start.object);
    const workflow = parser.parse(read(workflows[object ?? ''] ?? '')) as {
      Workflow: { outboundMessages: { fullName: string }[] };
    };
    expect(workflow.Workflow.outboundMessages.map((m) => m.fullName)).toContain(messageName);
    // Only when a mail-relevant field changes (or the record is new), never for the integration user.
    const formula = flow.start.filterFormula;
    expect(formula).toMatch(/^AND\(\s*NOT\(\{!\$Permission\.Hookpost_Integration\}\),\s*OR\(\s*ISNEW\(\),/);
    const changed = [...formula.matchAll(/ISCHANGED\(\{!\$Record\.(\w+)\}\)/g)].map((m) => m[1]);
    const sent = parser.parse(read(workflows[object ?? ''] ?? '')) as {
      Workflow: { outboundMessages: { fields: string[] }[] };
    };
    expect(changed.length).toBeGreaterThan(2);
    expect(sent.Workflow.outboundMessages[0]?.fields).toEqual(expect.arrayContaining(changed));
    expect(changed).not.toContain('LastModifiedDate');
  });
});

describe('permission set for the integration user', () => {
  const xml = read(path.join(metadataDir, 'permissionsets/Hookpost_Integration.permissionset-meta.xml'));
  const set =
    (
      new XMLParser({ ignoreDeclaration: true, parseTagValue: false, isArray: () => true }).parse(xml) as {
        PermissionSet: Record<string, Record<string, string[]>[]>[];
      }
    ).PermissionSet[0] ?? {};
  const objects = Object.fromEntries((set.objectPermissions ?? []).map((o) => [o.object?.[0], o]));

  it('grants API access, the custom permission the flows skip, read on the mailed objects, edit where write-back writes, create and edit on Task', () => {
    expect(set.userPermissions?.map((p) => p.name?.[0])).toEqual(['ApiEnabled']);
    expect(set.customPermissions?.map((p) => p.name?.[0])).toEqual(['Hookpost_Integration']);
    for (const name of ['Account', 'Opportunity']) {
      expect(objects[name]).toMatchObject({
        allowRead: ['true'],
        allowCreate: ['false'],
        allowEdit: ['false'],
        modifyAllRecords: ['false'],
      });
    }
    // Last-mail fields and corrected addresses are written back to Contacts and Leads.
    for (const name of ['Contact', 'Lead']) {
      expect(objects[name]).toMatchObject({
        allowRead: ['true'],
        allowCreate: ['false'],
        allowEdit: ['true'],
        allowDelete: ['false'],
        modifyAllRecords: ['false'],
      });
    }
    // One Task per piece, created at hand-off and updated as the piece moves.
    expect(objects.Task).toMatchObject({
      allowRead: ['true'],
      allowCreate: ['true'],
      allowEdit: ['true'],
      allowDelete: ['false'],
    });
    const editable = new Set(
      (set.fieldPermissions ?? []).filter((f) => f.editable?.[0] === 'true').map((f) => f.field?.[0]),
    );
    for (const object of ['Contact', 'Lead'])
      for (const field of [
        'Hookpost_Last_Mail_Date__c',
        'Hookpost_Last_Mail_Status__c',
        'Hookpost_Last_Mail_Tracking_Id__c',
      ])
        expect(editable.has(`${object}.${field}`), `${object}.${field} editable`).toBe(true);
    expect(
      existsSync(path.join(metadataDir, 'customPermissions/Hookpost_Integration.customPermission-meta.xml')),
    ).toBe(true);
  });
});
