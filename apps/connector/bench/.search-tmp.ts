import { openDatabase } from '../src/db/connect.js';
import { readRecipientTerm, recipientFilter } from '../src/api/recipient.js';
const handle = openDatabase(`sqlite:${process.argv[2]}`);
const db = handle.db;
for (const id of ['997_h99', '4242', '12_h5000']) {
  const q = () => db.selectFrom('events').selectAll().where((eb) => recipientFilter(eb, readRecipientTerm(id))).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(51);
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 40; i++) { const t = performance.now(); n = (await q().execute()).length; times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(id, 'rows', n, 'p50', times[20]!.toFixed(1), 'p95', times[38]!.toFixed(1));
}
const c = db.selectFrom('events').selectAll().where((eb) => recipientFilter(eb, readRecipientTerm('4242'))).orderBy('received_at', 'desc').limit(51).compile();
const raw = (handle as any).raw ?? null;
console.log(c.sql);
await handle.close();
