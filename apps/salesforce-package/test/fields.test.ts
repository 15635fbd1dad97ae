import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const objects = path.resolve(import.meta.dirname, '../force-app/main/default/objects');
// The fields Hookpost's write-back sets on the record a piece was addressed to
// (`MAIL_RECORD_FIELDS` in @hookpost/salesforce).
const FIELDS: Record<string, string> = {
  Hookpost_Last_Mail_Status__c: 'Text',
  Hookpost_Last_Mail_Date__c: 'Date',
  Hookpost_Last_Mail_Tracking_Id__c: 'Text',
};

describe.each(['Contact', 'Lead'])('%s mail status fields', (object) => {
  it.each(Object.entries(FIELDS))('%s is a %s custom field', (name, type) => {
    const xml = readFileSync(path.join(objects, object, 'fields', `${name}.field-meta.xml`), 'utf8');
    const field = (new XMLParser().parse(xml) as { CustomField: Record<string, unknown> }).CustomField;
    expect(field.fullName).toBe(name);
    expect(field.type).toBe(type);
    if (type === 'Text') expect(Number(field.length)).toBeGreaterThan(0);
  });
});
