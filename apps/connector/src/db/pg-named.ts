import type { Client, ClientConfig, QueryResult } from 'pg';

/** The `pg.Client` class (pg loads lazily, so the class is passed in, not imported). */
export type ClientClass = typeof Client;

export interface NamedStatementOptions {
  /**
   * Named statements one connection prepares at most; texts past the bound run unnamed
   * (parsed and planned each time, as without this layer). Each one holds its parse tree
   * and cached plan in the server process until the connection ends.
   */
  maxPerConnection?: number;
  /**
   * Uses of a text (in this process, any connection) before it is named: one-off texts —
   * migrations' DDL, an operator's query — never hold a slot.
   */
  namedAfterUses?: number;
  /** Distinct texts counted at most; later new texts run unnamed. Bounds this process's memory. */
  maxTexts?: number;
}

export const NAMED_STATEMENT_DEFAULTS: Required<NamedStatementOptions> = {
  maxPerConnection: 100,
  namedAfterUses: 2,
  maxTexts: 2000,
};

/** What the layer knows of the texts it has seen: uses, and the name once it has one. */
interface TextEntry {
  uses: number;
  name: string | null;
}

/**
 * A `pg.Client` subclass (for `new Pool({ Client })`) that sends the hot, fixed SQL texts as
 * named prepared statements (`{ name, text, values }`): PostgreSQL parses and plans a named
 * statement once per connection and then only binds and executes it; an unnamed statement —
 * what node-postgres sends for `query(text, values)` — is parsed and planned on every call.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 * https://node-postgres.com/features/queries#prepared-statements
 *
 * Only `query(text, values)` with at least one value is named (what Kysely sends); a text
 * without parameters (`begin`, `commit`) stays on the one-message simple protocol. The set
 * of names is bounded per connection (`maxPerConnection`); a statement that fails to parse
 * is not kept by node-postgres, so the next use parses it again. The texts are ours (list
 * parameters go as one array, multi-row inserts in a few chunk sizes), so the set is small.
 */
export function namingClient(Base: ClientClass, options: NamedStatementOptions = {}): ClientClass {
  const { maxPerConnection, namedAfterUses, maxTexts } = { ...NAMED_STATEMENT_DEFAULTS, ...options };
  const texts = new Map<string, TextEntry>();
  let counter = 0;

  function nameFor(text: string): string | null {
    let entry = texts.get(text);
    if (entry === undefined) {
      if (texts.size >= maxTexts) return null;
      entry = { uses: 0, name: null };
      texts.set(text, entry);
    }
    entry.uses++;
    if (entry.name === null && entry.uses >= namedAfterUses) entry.name = `hookpost_${++counter}`;
    return entry.name;
  }

  class NamingClient extends Base {
    /** Names prepared on this connection. */
    readonly #prepared = new Set<string>();

    constructor(config?: string | ClientConfig) {
      super(config);
    }

    // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; only one shape is rewritten
    override query(...args: any[]): any {
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
        const name = nameFor(text);
        if (name !== null && (this.#prepared.has(name) || this.#prepared.size < maxPerConnection)) {
          this.#prepared.add(name);
          return super.query({ name, text, values }) as Promise<QueryResult>;
        }
      }
      // biome-ignore lint/suspicious/noExplicitAny: passed through as given
      return (super.query as (...a: any[]) => any)(...args);
    }
  }
  return NamingClient as unknown as ClientClass;
}
