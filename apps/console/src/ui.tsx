import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';

const TONE: Record<string, string> = {
  triggered: 'good',
  delivered: 'good',
  pending: 'wait',
  no_match: 'quiet',
  skipped: 'warn',
  cancelled: 'quiet',
  unrouted: 'warn',
  failed: 'bad',
  dead: 'bad',
  retry: 'warn',
};

export function Status({ value }: { value: string }) {
  return <span className={`status status-${TONE[value] ?? 'quiet'}`}>{value}</span>;
}

export function Card({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card">
      <header className="card-head">
        <h2>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A TanStack table with the console's styling; `empty` is shown when there are no rows. */
export function DataTable<T>({
  rows,
  columns,
  empty,
  testId,
}: {
  rows: T[];
  columns: ColumnDef<T, unknown>[];
  empty: string;
  testId?: string;
}) {
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel() });
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id}>{flexRender(header.column.columnDef.header, header.getContext())}</th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

/** A button that runs an action, shows its progress and its error or result. */
export function ActionButton({
  label,
  run,
  tone = 'normal',
  disabled = false,
}: {
  label: string;
  run: () => Promise<unknown>;
  tone?: 'normal' | 'danger' | 'primary';
  disabled?: boolean;
}) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  return (
    <span className="action">
      <button
        type="button"
        className={`btn btn-${tone}`}
        disabled={disabled || state.busy}
        onClick={async () => {
          setState({ busy: true, error: null });
          try {
            await run();
            setState({ busy: false, error: null });
          } catch (error) {
            setState({ busy: false, error: error instanceof Error ? error.message : String(error) });
          }
        }}
      >
        {state.busy ? '…' : label}
      </button>
      {state.error ? <span className="error inline">{state.error}</span> : null}
    </span>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`, wrapped by the label.
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** The value with every leaf masked: structure and field names stay readable. */
export function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value === null || value === undefined ? value : '•••';
}

/** JSON whose `personal` top-level keys stay masked until the operator asks to see them. */
export function PersonalJson({
  title,
  value,
  personal,
}: {
  title: string;
  value: unknown;
  personal: readonly string[];
}) {
  const [reveal, setReveal] = useState(false);
  const shown =
    reveal || !value || typeof value !== 'object'
      ? value
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, personal.includes(k) ? masked(v) : v]));
  return (
    <Card
      title={title}
      actions={
        <button type="button" className="btn" onClick={() => setReveal((r) => !r)}>
          {reveal ? 'Hide personal data' : 'Show personal data'}
        </button>
      }
    >
      {reveal ? null : <p className="muted">Values about the person are masked until you ask to see them.</p>}
      <Json value={shown} />
    </Card>
  );
}
