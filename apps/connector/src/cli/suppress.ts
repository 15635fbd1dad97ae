import { readFileSync } from 'node:fs';
import { hashCrmRef, hashEmail } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { newId } from '../store/ids.js';
import { CliError } from './action.js';
import { openExisting } from './database.js';
import { formatTable } from './table.js';

/** The reason stored with suppressions an operator adds (privacy deletions store `privacy_deletion`). */
export const OPERATOR_REASON = 'operator';

export interface SuppressOptions {
  workspace: string;
  email?: string;
  record?: string;
  reason?: string;
  json?: boolean;
}

type Entry = { kind: 'email' | 'crm'; value: string; shown: string };

/**
 * What to suppress, stored as the hash the worker and dispatcher match on (the same
 * functions as `suppressionQuery`): an e-mail address, or a CRM record written
 * `platform:objectType:id` (`hubspot:contact:123`). The address itself is never stored.
 */
export function entryFor(email: string | undefined, record: string | undefined): Entry {
  if (Boolean(email) === Boolean(record)) throw new CliError('pass either --email or --record');
  if (email) {
    const value = hashEmail(email);
    if (!value) throw new CliError(`"${email}" is not an e-mail address`);
    return { kind: 'email', value, shown: email.trim().toLowerCase() };
  }
  const [platform, objectType, ...rest] = String(record).split(':');
  const objectId = rest.join(':');
  if (!platform || !objectType || !objectId)
    throw new CliError(
      `--record expects platform:objectType:id (e.g. <platform>:contact:123), got "${record}"`,
    );
  return {
    kind: 'crm',
    value: hashCrmRef({ platform, objectType, objectId } as Parameters<typeof hashCrmRef>[0]),
    shown: `${platform}:${objectType.toLowerCase()}:${objectId}`,
  };
}

async function insert(
  db: Kysely<Database>,
  workspace: string,
  entry: Entry,
  reason: string,
): Promise<boolean> {
  const result = await db
    .insertInto('suppressions')
    .values({
      id: newId('sup'),
      workspace_id: workspace,
      kind: entry.kind,
      value: entry.value,
      reason,
      created_at: Date.now(),
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** `hookpost suppress add`: the person is never mailed again in this workspace. */
export async function runSuppressAdd(options: SuppressOptions): Promise<void> {
  const entry = entryFor(options.email, options.record);
  const { handle } = await openExisting({ readOnly: false });
  try {
    const added = await insert(handle.db, options.workspace, entry, options.reason ?? OPERATOR_REASON);
    process.stdout.write(
      `${added ? 'suppressed' : 'already suppressed'}: ${entry.kind} ${entry.shown} in workspace ${options.workspace}\n`,
    );
  } finally {
    await handle.close();
  }
}

/** `hookpost suppress remove`: lifts an operator suppression (privacy-deletion entries stay). */
export async function runSuppressRemove(options: SuppressOptions): Promise<void> {
  const entry = entryFor(options.email, options.record);
  const { handle } = await openExisting({ readOnly: false });
  try {
    const result = await handle.db
      .deleteFrom('suppressions')
      .where('workspace_id', '=', options.workspace)
      .where('kind', '=', entry.kind)
      .where('value', '=', entry.value)
      .where('reason', '!=', 'privacy_deletion')
      .executeTakeFirst();
    const removed = Number(result.numDeletedRows) > 0;
    if (!removed)
      throw new CliError(`${entry.kind} ${entry.shown} has no operator suppression in ${options.workspace}`);
    process.stdout.write(`removed: ${entry.kind} ${entry.shown} in workspace ${options.workspace}\n`);
  } finally {
    await handle.close();
  }
}

/** `hookpost suppress list`: the entries (hashes only: addresses are never stored). */
export async function runSuppressList(options: Pick<SuppressOptions, 'workspace' | 'json'>): Promise<void> {
  const { handle } = await openExisting({ readOnly: true });
  try {
    const rows = await handle.db
      .selectFrom('suppressions')
      .select(['kind', 'value', 'reason', 'created_at'])
      .where('workspace_id', '=', options.workspace)
      .orderBy('created_at', 'desc')
      .execute();
    const items = rows.map((r) => ({
      kind: r.kind,
      hash: r.value,
      reason: r.reason,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    }));
    if (options.json) process.stdout.write(`${JSON.stringify({ data: items }, null, 2)}\n`);
    else if (items.length === 0) process.stdout.write(`no suppressions in workspace ${options.workspace}\n`);
    else
      process.stdout.write(
        `${formatTable(
          ['KIND', 'HASH', 'REASON', 'CREATED'],
          items.map((i) => [i.kind, `${i.hash.slice(0, 16)}…`, i.reason, i.createdAt]),
          '',
        )}\n`,
      );
  } finally {
    await handle.close();
  }
}

/**
 * `hookpost suppress import <csv>`: one entry per line, from a column named `email` or
 * `record` (header line required; other columns ignored). Lines that are not an address
 * or a record are reported by number and skipped; nothing is stored if every line is bad.
 */
export async function runSuppressImport(file: string, options: SuppressOptions): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const [head = '', ...lines] = text.split(/\r?\n/);
  const columns = head.split(',').map((c) => c.trim().toLowerCase());
  const emailAt = columns.indexOf('email');
  const recordAt = columns.indexOf('record');
  if (emailAt < 0 && recordAt < 0)
    throw new CliError(`${file}: the header needs an "email" or "record" column`);
  const entries: Entry[] = [];
  const bad: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    try {
      const email = emailAt >= 0 ? cells[emailAt] : undefined;
      entries.push(email ? entryFor(email, undefined) : entryFor(undefined, cells[recordAt]));
    } catch (error) {
      bad.push(`  line ${i + 2}: ${(error as Error).message}`);
    }
  });
  if (entries.length === 0) throw new CliError(`${file}: no valid lines\n${bad.join('\n')}`);
  const { handle } = await openExisting({ readOnly: false });
  try {
    let added = 0;
    for (const entry of entries)
      if (await insert(handle.db, options.workspace, entry, options.reason ?? OPERATOR_REASON)) added += 1;
    process.stdout.write(
      `imported ${added} new suppression(s) into workspace ${options.workspace} (${entries.length - added} already present, ${bad.length} skipped)\n`,
    );
    if (bad.length > 0) process.stderr.write(`${bad.join('\n')}\n`);
  } finally {
    await handle.close();
  }
}
