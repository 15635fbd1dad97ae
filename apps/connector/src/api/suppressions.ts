import { parse } from 'csv-parse/sync';
import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ConnectorContext } from '../runtime.js';
import {
  addSuppressions,
  type SuppressionInput,
  searchHashes,
  suppressionKeys,
} from '../store/suppressions.js';
import { newestFirst, page } from './cursor.js';
import { AdminApiError, parseOrThrow } from './errors.js';
import { idParams, limitSchema } from './query.js';
import { iso } from './serialise.js';

const text = z.string().trim().min(1).max(200);
export const suppressionBody = z
  .object({
    workspace: text.optional(),
    email: text.optional(),
    crm: z
      .object({
        platform: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a CRM platform name'),
        objectType: text,
        objectId: text,
      })
      .strict()
      .optional(),
    address: z
      .object({
        line1: text,
        line2: text.nullable().optional(),
        postalCode: text.nullable().optional(),
        city: text.nullable().optional(),
        region: text.nullable().optional(),
        country: text,
      })
      .strict()
      .optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

const listQuery = z
  .object({
    workspace: text.optional(),
    q: text.optional(),
    limit: limitSchema,
    cursor: z.string().min(1).optional(),
  })
  .strict();

/** Most rows one CSV import takes (a larger list: split it). */
export const MAX_IMPORT_ROWS = 10_000;

const suppressionItem = (row: {
  id: string;
  workspace_id: string;
  kind: string;
  value: string;
  reason: string;
  created_at: number;
}) => ({
  id: row.id,
  workspace: row.workspace_id,
  kind: row.kind,
  hash: row.value,
  reason: row.reason,
  createdAt: iso(row.created_at),
});

/** `GET/POST /suppressions`, `DELETE /suppressions/:id`, `POST /suppressions/import` (text/csv). */
export function suppressionRoutes(ctx: ConnectorContext): Router {
  const router = Router();
  const { db } = ctx.handle;

  /** The workspace a request names, or the only one configured. */
  function workspaceOf(named: string | undefined): string {
    const ids = ctx.config.workspaces.map((w) => w.id);
    const chosen = named ?? (ids.length === 1 ? ids[0] : undefined);
    if (!chosen) throw new AdminApiError('bad_request', `name the workspace: one of ${ids.join(', ')}`);
    if (!ids.includes(chosen)) throw new AdminApiError('bad_request', `unknown workspace ${chosen}`);
    return chosen;
  }

  router.get('/suppressions', async function listSuppressions(req: Request, res: Response) {
    const q = parseOrThrow(listQuery, req.query, 'query');
    let query = db.selectFrom('suppressions').selectAll();
    if (q.workspace) query = query.where('workspace_id', '=', q.workspace);
    if (q.q) {
      const term = q.q;
      query = query.where((eb) =>
        eb.or([
          eb('value', 'in', searchHashes(term, ctx.registry.platforms)),
          eb('id', '=', term),
          eb('reason', 'like', `%${term.replace(/[%\\]/g, '')}%`),
        ]),
      );
    }
    const rows = await newestFirst(query, 'created_at', q.cursor, q.limit).execute();
    res.json(page(rows, q.limit, (r) => ({ at: Number(r.created_at), id: r.id }), suppressionItem));
  });

  router.post('/suppressions', async function addSuppression(req: Request, res: Response) {
    const body = parseOrThrow(suppressionBody, req.body ?? {}, 'body');
    const workspace = workspaceOf(body.workspace);
    const keys = suppressionKeys({ ...body, workspace });
    if (!keys.ok) throw new AdminApiError('bad_request', `invalid body: ${keys.message}`);
    const rows = await addSuppressions(db, workspace, keys.keys, body.reason ?? 'added by operator');
    req.log.info(
      { workspace, kinds: keys.keys.map((k) => k.kind), ids: rows.map((r) => r.id) },
      'suppression added',
    );
    res.status(201).json({ data: rows.map(suppressionItem) });
  });

  router.post(
    '/suppressions/import',
    express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' }),
    async function importSuppressions(req: Request, res: Response) {
      if (typeof req.body !== 'string' || req.body.trim() === '')
        throw new AdminApiError('bad_request', 'send the CSV as the body with Content-Type: text/csv');
      let records: Record<string, string>[];
      try {
        records = parse(req.body, {
          columns: (h: string[]) => h.map((c) => c.trim()),
          skip_empty_lines: true,
          trim: true,
          bom: true,
        });
      } catch (cause) {
        throw new AdminApiError('bad_request', `CSV does not parse: ${(cause as Error).message}`, { cause });
      }
      if (records.length > MAX_IMPORT_ROWS)
        throw new AdminApiError('bad_request', `at most ${MAX_IMPORT_ROWS} rows per import; split the file`);
      const issues: { path: string; message: string }[] = [];
      const planned: {
        workspace: string;
        keys: { kind: 'email' | 'crm' | 'address'; value: string }[];
        reason: string;
      }[] = [];
      records.forEach((record, index) => {
        const line = `row ${index + 2}`;
        const input: SuppressionInput = { workspace: '' };
        if (record.email) input.email = record.email;
        if (record.objectId)
          input.crm = {
            // Without a platform column, the first registered CRM (the HubSpot adapter).
            platform: ctx.registry.platforms.includes(record.platform ?? '')
              ? (record.platform as string)
              : (ctx.registry.platforms[0] ?? ''),
            objectType: (record.objectType || 'contact').toLowerCase(),
            objectId: record.objectId,
          };
        try {
          input.workspace = workspaceOf(record.workspace || undefined);
        } catch (error) {
          issues.push({
            path: line,
            message: (error as Error).message.replace(/^\[@hookpost\/connector\] /, ''),
          });
          return;
        }
        const keys = suppressionKeys(input);
        if (!keys.ok) issues.push({ path: line, message: keys.message });
        else
          planned.push({
            workspace: input.workspace,
            keys: keys.keys,
            reason: record.reason || 'imported by operator',
          });
      });
      if (issues.length > 0)
        throw new AdminApiError(
          'bad_request',
          `CSV has ${issues.length} bad row(s); nothing imported (columns: email, platform, objectType, objectId, workspace, reason)`,
          { issues },
        );
      let count = 0;
      for (const item of planned)
        count += (await addSuppressions(db, item.workspace, item.keys, item.reason)).length;
      req.log.info({ rows: records.length, suppressions: count }, 'suppressions imported');
      res.status(201).json({ rows: records.length, suppressions: count });
    },
  );

  router.delete('/suppressions/:id', async function removeSuppression(req: Request, res: Response) {
    const { id } = parseOrThrow(idParams, req.params, 'path');
    const row = await db
      .selectFrom('suppressions')
      .select(['id', 'workspace_id', 'kind', 'reason'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AdminApiError('not_found', `no suppression with id ${id}`);
    if (row.reason === 'privacy_deletion')
      throw new AdminApiError(
        'conflict',
        `suppression ${id} records a privacy deletion and cannot be removed`,
      );
    await db.deleteFrom('suppressions').where('id', '=', id).execute();
    req.log.info({ id, workspace: row.workspace_id, kind: row.kind }, 'suppression removed');
    res.status(204).end();
  });

  return router;
}
