import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialectCases } from '../../test/support/databases.js';
import { type DatabaseHandle, openDatabase } from './connect.js';
import { namingClient } from './pg-named.js';

const postgres = dialectCases().find((d) => d.name === 'postgres');

/** The named statements this session holds (the view lists only this session's). */
async function preparedNames(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'select name from pg_prepared_statements where from_sql = false order by name',
  );
  return rows.map((r) => r.name);
}

describe.skipIf(!postgres || postgres.skipReason !== null)('named statements on PostgreSQL', () => {
  let url: string;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    url = await (postgres as NonNullable<typeof postgres>).url();
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query('create table listed (id text primary key, n integer not null)');
    await setup.query("insert into listed select 'id' || i, i from generate_series(1, 50) as i");
    await setup.end();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end()));
  });

  async function connect(Client: typeof pg.Client): Promise<pg.Client> {
    const client = new Client({ connectionString: url });
    clients.push(client);
    await client.connect();
    return client;
  }

  it('returns what the unnamed statement returns, and names the texts used again', async () => {
    const named = await connect(namingClient(pg.Client));
    const plain = await connect(pg.Client);
    const texts = [
      'select id, n from listed where n = any($1) order by n',
      'select id, n from listed where n > $1 and n <= $2 order by n',
      'select count(*)::int as c, max(id) as m from listed where id = any($1)',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: texts.length - 1 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 10 }),
        async (which, numbers) => {
          const text = texts[which] as string;
          const values: unknown[] =
            which === 0
              ? [numbers]
              : which === 1
                ? [numbers[0], numbers[1] ?? 60]
                : [numbers.map((i) => `id${i}`)];
          const [a, b] = await Promise.all([named.query(text, values), plain.query(text, values)]);
          expect(a.rows).toEqual(b.rows);
          expect(a.rowCount).toBe(b.rowCount);
          expect(a.fields.map((f) => [f.name, f.dataTypeID])).toEqual(
            b.fields.map((f) => [f.name, f.dataTypeID]),
          );
        },
      ),
      { numRuns: 60 },
    );
    expect((await preparedNames(named)).length).toBe(texts.length);
    expect(await preparedNames(plain)).toEqual([]);
  });

  it('prepares at most maxPerConnection statements on a connection, the rest run unnamed', async () => {
    const client = await connect(namingClient(pg.Client, { maxPerConnection: 3, namedAfterUses: 1 }));
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 8; i++) {
        const { rows } = await client.query(`select $1::int + ${i} as v`, [round]);
        expect(rows).toEqual([{ v: round + i }]);
      }
    expect((await preparedNames(client)).length).toBe(3);
  });

  it('leaves one-off texts and texts without parameters unnamed', async () => {
    const client = await connect(namingClient(pg.Client));
    await client.query('select $1::int as once', [1]);
    await client.query('select 1 as no_parameters');
    await client.query('select 1 as no_parameters');
    expect(await preparedNames(client)).toEqual([]);
  });

  it('a failing statement does not poison the connection', async () => {
    const client = await connect(namingClient(pg.Client, { namedAfterUses: 1 }));
    // A text that does not parse: rejected each time with the server's message, never kept.
    for (let i = 0; i < 3; i++)
      await expect(client.query('select from from listed where n = $1', [1])).rejects.toThrow(/syntax error/);
    expect(await preparedNames(client)).toEqual([]);
    // A prepared statement whose execution fails runs again with other values.
    const insert = 'insert into listed (id, n) values ($1, $2)';
    await client.query(insert, ['fresh-1', 1]);
    await expect(client.query(insert, ['fresh-1', 2])).rejects.toThrow(/duplicate key/);
    await client.query(insert, ['fresh-2', 2]);
    // A first use inside an aborted transaction fails; after the rollback it prepares.
    await client.query('begin');
    await expect(client.query('select $1::int / 0 as boom', [1])).rejects.toThrow(/division by zero/);
    await expect(client.query('select $1::int as later', [7])).rejects.toThrow(/aborted/);
    await client.query('rollback');
    expect((await client.query('select $1::int as later', [7])).rows).toEqual([{ later: 7 }]);
    expect((await client.query(insert, ['fresh-3', 3])).rowCount).toBe(1);
    expect(await preparedNames(client)).toHaveLength(3);
  });

  describe('through openDatabase', () => {
    let handle: DatabaseHandle;
    beforeAll(() => {
      handle = openDatabase(url);
    });
    afterAll(() => handle?.close());

    it("Kysely's repeated statements run prepared on the pool's connections", async () => {
      const found = await handle.db.connection().execute(async (connection) => {
        for (let i = 10; i <= 12; i++) {
          const rows = await connection
            .selectFrom('listed' as never)
            .select('n' as never)
            .where('n' as never, '=', i as never)
            .execute();
          expect(rows).toEqual([{ n: i }]);
        }
        return sql<{
          statement: string;
        }>`select statement from pg_prepared_statements where from_sql = false`.execute(connection);
      });
      expect(found.rows.map((r) => r.statement)).toEqual(['select "n" from "listed" where "n" = $1']);
    });
  });
});
