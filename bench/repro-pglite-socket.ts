/**
 * Reproduces why the embedded benchmark runs with DB_POOL_SIZE=1: several pg connections to one
 * PGlite behind @electric-sql/pglite-socket, some in transactions and some not, get each other's
 * extended-protocol messages ("portal "" does not exist", "unnamed prepared statement does not
 * exist") or stall. The service's embedded mode opens DB_POOL_SIZE (default 8) such connections.
 *
 *   node --import tsx bench/repro-pglite-socket.ts [connections=8]
 */
import pg from 'pg';
import { startEmbeddedDatabase } from '../src/db/embedded.ts';

const max = Number(process.argv[2] ?? 8);
const db = await startEmbeddedDatabase('memory://', max);
const pool = new pg.Pool({ connectionString: db.connectionString, max });
let idleErrors = 0;
pool.on('error', () => { idleErrors++; });
await pool.query('create table t (id int primary key, v int)');
await pool.query('insert into t select g, 0 from generate_series(1, 100) g');
let ok = 0; let wrong = 0;
const errors = new Map<string, number>();
const note = (err: unknown) => errors.set((err as Error).message, (errors.get((err as Error).message) ?? 0) + 1);
const plain = async (w: number) => {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await pool.query('select $1::text as v', [`${w}-${i}`]);
      if (r.rows[0].v === `${w}-${i}`) ok++; else wrong++;
    } catch (err) { note(err); }
  }
};
const inTransaction = async (w: number) => {
  for (let i = 0; i < 100; i++) {
    const c = await pool.connect();
    try {
      await c.query('begin');
      const r = await c.query('select * from t where id = $1 for update', [((w * 7 + i) % 100) + 1]);
      await c.query('update t set v = v + 1 where id = $1', [r.rows[0].id]);
      await c.query('commit');
      ok++;
    } catch (err) {
      note(err);
      await c.query('rollback').catch(() => {});
    } finally {
      c.release();
    }
  }
};
const work = Promise.all([
  ...Array.from({ length: 8 }, (_, w) => plain(w)),
  ...Array.from({ length: 8 }, (_, w) => inTransaction(w)),
]);
const stalled = await Promise.race([
  work.then(() => false),
  new Promise<boolean>((r) => setTimeout(() => r(true), 30_000)),
]);
console.log(JSON.stringify({
  connections: max, ok, wrongResults: wrong, errors: Object.fromEntries(errors), idleErrors, stalledAfter30s: stalled,
}));
if (stalled) process.exit(2);
await pool.end();
await db.close();
