import type { Connection } from 'jsforce';
import { HookpostSalesforceError } from '../errors.js';
import { toApiError } from './api-error.js';
import { type SalesforceRecord, toSalesforceRecord } from './records.js';
import { createSession, type SalesforceAuth } from './session.js';
import { assertApiName, assertId, soqlId } from './soql.js';

/** The collections API takes at most 200 ids per call. */
export const MAX_IDS_PER_RETRIEVE = 200;

/** Options of {@link createSalesforceClient}. */
export interface SalesforceClientOptions {
  instanceUrl: string;
  loginUrl?: string;
  apiVersion?: string;
  auth: SalesforceAuth;
  /** Clock for the Task's ActivityDate (the JWT always uses the real clock, as Salesforce does). */
  now?: () => Date;
}

/** The write-back Task (`Status` Completed, `ActivityDate` today are set for you). */
export interface CreateTaskInput {
  subject: string;
  description?: string;
  whatId?: string;
}

/** The org's daily REST API usage, from `Sforce-Limit-Info: api-usage=used/limit`. */
export interface ApiUsage {
  used: number;
  limit: number;
}

/** The Salesforce reads and writes Hookpost needs, over one jsforce connection. */
export interface SalesforceClient {
  fetchRecords(
    objectType: string,
    ids: readonly string[],
    fields: readonly string[],
  ): Promise<Map<string, SalesforceRecord>>;
  findPrimaryContactId(opportunityId: string): Promise<string | null>;
  /**
   * An Opportunity's contact roles, primary first, then by creation; without any roles its
   * `ContactId` (unmarked), else empty. `OpportunityContactRole.IsPrimary`:
   * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm
   */
  findContactRoles(opportunityId: string): Promise<{ id: string; primary: boolean }[]>;
  fetchAccountForContact(contactId: string): Promise<SalesforceRecord | null>;
  createTask(whoId: string, task: CreateTaskInput): Promise<{ id: string }>;
  /** Updates fields of one record (`PATCH /sobjects/{type}/{id}`); a Task, a Contact's or Lead's fields. */
  updateRecord(objectType: string, id: string, fields: Record<string, string | null>): Promise<void>;
  /**
   * Ids of the records of `objectType` changed in `[since, until]` (REST `getUpdated`,
   * `/sobjects/<type>/updated`): for CDC `GAP_OVERFLOW`. Salesforce limits: `since` within
   * 30 days, at most 600 000 ids; the range is widened to the whole minute it needs.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
   */
  changedRecordIds(objectType: string, since: Date, until: Date): Promise<string[]>;
  /**
   * The `MasterRecordId` of each deleted record among `ids` that lost a merge (deleted ids
   * → master id; plain deletes are absent). A Change Data Capture `DELETE` carries no field
   * values, so this reads the recycle bin with `queryAll`, where Salesforce sets
   * `MasterRecordId` on a merge's losers.
   * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_triggers_merge_statements.htm
   */
  mastersOfDeleted(objectType: string, ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * The object's fields (name, type, picklist values) from `GET /sobjects/{Object}/describe`,
   * e.g. to check that a configuration names real fields and picklist values.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
   */
  describe(objectType: string): Promise<SalesforceDescribe>;
  /** Daily API usage from the last `Sforce-Limit-Info` header, `null` before any call. */
  apiUsage(): ApiUsage | null;
  /** The authorised jsforce connection (e.g. to reuse its token for the Pub/Sub API). */
  connection(): Promise<Connection>;
}

/** The parts of a describe result Hookpost reads. */
export interface SalesforceDescribe {
  name: string;
  fields: { name: string; type: string; picklistValues: { value: string; active: boolean }[] }[];
}

type QueryRow = Record<string, unknown>;
const ACCOUNT_FIELDS = [
  'Id',
  'Name',
  'BillingStreet',
  'BillingCity',
  'BillingState',
  'BillingPostalCode',
  'BillingCountry',
];
const LEAD_PREFIX = '00Q';

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A Salesforce REST client over jsforce (API version set explicitly), authenticated with
 * the OAuth 2.0 JWT bearer flow or a given access token.
 *
 * @example
 * const salesforce = createSalesforceClient({
 *   instanceUrl: 'https://acme.my.salesforce.com',
 *   auth: { type: 'jwt', clientId, username: 'integration@acme.example', privateKey },
 * });
 * const contacts = await salesforce.fetchRecords('Contact', ['0035e00000AbCdEAAV'], ['FirstName', 'MailingCity']);
 */
export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const now = options.now ?? (() => new Date());
  const session = createSession({
    instanceUrl: options.instanceUrl,
    loginUrl: (options.loginUrl ?? 'https://login.salesforce.com').replace(/\/+$/, ''),
    apiVersion: options.apiVersion ?? '62.0',
    auth: options.auth,
  });
  let usage: ApiUsage | null = null;

  async function call<T>(action: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
    try {
      const { result, conn } = await session.run(fn);
      usage = conn.limitInfo.apiUsage ?? usage;
      return result;
    } catch (error) {
      usage = session.current()?.limitInfo.apiUsage ?? usage;
      throw toApiError(error, action);
    }
  }

  async function query(action: string, soql: string): Promise<QueryRow[]> {
    return call(action, async (conn) => (await conn.query(soql)).records as QueryRow[]);
  }

  return {
    async fetchRecords(objectType, ids, fields) {
      assertApiName(objectType, 'object type');
      for (const field of fields) assertApiName(field, 'field');
      const unique = [...new Set(ids.map((id) => assertId(id, `${objectType} id`)))];
      const found = new Map<string, SalesforceRecord>();
      for (const batch of chunks(unique, MAX_IDS_PER_RETRIEVE)) {
        const rows = await call(`retrieve ${objectType}`, (conn) =>
          conn.sobject(objectType).retrieve(batch, { fields: [...fields] }),
        );
        // Results come back in the order of the ids, `null` for records that do not exist.
        rows.forEach((row, index) => {
          const id = batch[index];
          if (row && id) found.set(id, toSalesforceRecord(row as unknown as Record<string, unknown>));
        });
      }
      return found;
    },

    async describe(objectType) {
      assertApiName(objectType, 'object type');
      const result = await call(`describe ${objectType}`, (conn) => conn.sobject(objectType).describe());
      return {
        name: result.name,
        fields: result.fields.map((field) => ({
          name: field.name,
          type: String(field.type),
          picklistValues: (field.picklistValues ?? []).map((p) => ({
            value: String(p.value),
            active: p.active !== false,
          })),
        })),
      };
    },

    async findPrimaryContactId(opportunityId) {
      const id = soqlId(opportunityId, 'opportunity id');
      const [role] = await query(
        'find primary contact',
        `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = ${id} ORDER BY IsPrimary DESC, CreatedDate ASC LIMIT 1`,
      );
      if (typeof role?.ContactId === 'string') return role.ContactId;
      const [opportunity] = await query(
        'read opportunity',
        `SELECT ContactId FROM Opportunity WHERE Id = ${id}`,
      );
      return typeof opportunity?.ContactId === 'string' ? opportunity.ContactId : null;
    },

    async findContactRoles(opportunityId) {
      const id = soqlId(opportunityId, 'opportunity id');
      const roles = await query(
        'find contact roles',
        `SELECT ContactId, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = ${id} ORDER BY IsPrimary DESC, CreatedDate ASC`,
      );
      const found = roles.flatMap((role) =>
        typeof role.ContactId === 'string' ? [{ id: role.ContactId, primary: role.IsPrimary === true }] : [],
      );
      if (found.length > 0) return found;
      const [opportunity] = await query(
        'read opportunity',
        `SELECT ContactId FROM Opportunity WHERE Id = ${id}`,
      );
      return typeof opportunity?.ContactId === 'string'
        ? [{ id: opportunity.ContactId, primary: false }]
        : [];
    },

    async fetchAccountForContact(contactId) {
      const id = soqlId(contactId, 'contact id');
      const select = ACCOUNT_FIELDS.map((field) => `Account.${field}`).join(', ');
      const [contact] = await query(
        'read account of contact',
        `SELECT ${select} FROM Contact WHERE Id = ${id}`,
      );
      const account = contact?.Account;
      if (!account || typeof account !== 'object') return null;
      return toSalesforceRecord(account as Record<string, unknown>);
    },

    async createTask(whoId, task) {
      assertId(whoId, 'WhoId');
      if (task.whatId !== undefined) assertId(task.whatId, 'WhatId');
      // A Task about a Lead cannot have a WhatId (Salesforce rejects it).
      const isLead = whoId.startsWith(LEAD_PREFIX);
      const record = {
        WhoId: whoId,
        ...(task.whatId && !isLead ? { WhatId: task.whatId } : {}),
        Subject: task.subject,
        Status: 'Completed',
        ActivityDate: now().toISOString().slice(0, 10),
        ...(task.description !== undefined ? { Description: task.description } : {}),
      };
      const result = await call('create Task', (conn) => conn.sobject('Task').create(record));
      if (!result.success) {
        throw new HookpostSalesforceError(
          'api_error',
          `create Task failed: ${JSON.stringify(result.errors).slice(0, 300)}`,
        );
      }
      return { id: result.id };
    },

    async updateRecord(objectType, id, fields) {
      assertApiName(objectType, 'object type');
      for (const field of Object.keys(fields)) assertApiName(field, 'field');
      const record = { Id: assertId(id, `${objectType} id`), ...fields };
      const result = await call(`update ${objectType}`, (conn) => conn.sobject(objectType).update(record));
      if (!result.success) {
        throw new HookpostSalesforceError(
          'api_error',
          `update ${objectType} failed: ${JSON.stringify(result.errors).slice(0, 300)}`,
        );
      }
    },

    async changedRecordIds(objectType, since, until) {
      assertApiName(objectType, 'object type');
      // getUpdated works in whole minutes and needs end > start.
      const start = new Date(Math.floor(since.getTime() / 60_000) * 60_000);
      const end = new Date(Math.max(Math.ceil(until.getTime() / 60_000) * 60_000, start.getTime() + 60_000));
      const result = await call(`getUpdated ${objectType}`, (conn) =>
        conn.sobject(objectType).updated(start.toISOString(), end.toISOString()),
      );
      return [...result.ids];
    },

    async mastersOfDeleted(objectType, ids) {
      assertApiName(objectType, 'object type');
      const masters = new Map<string, string>();
      // One query per id: merges delete at most two losers at a time.
      for (const recordId of new Set(ids)) {
        const id = soqlId(recordId, `${objectType} id`);
        const rows = await call(`read deleted ${objectType}`, async (conn) => {
          const result = await conn.query(`SELECT Id, MasterRecordId FROM ${objectType} WHERE Id = ${id}`, {
            scanAll: true,
          });
          return result.records as QueryRow[];
        });
        const master = rows[0]?.MasterRecordId;
        if (typeof master === 'string' && master !== '') masters.set(recordId, master);
      }
      return masters;
    },

    apiUsage: () => (usage ? { ...usage } : null),
    connection: () => session.connection(),
  };
}
