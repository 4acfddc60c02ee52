import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// ID numbers, bank accounts and phones inside case data encrypted at rest (issue #7): every such
// string in cases.snapshot, cases.agent, case_events.payload and page_drafts.data becomes the
// `v1:` AES-256-GCM ciphertext of 0004, its additional data the row and the value's JSON Pointer.
// Existing rows are converted here (the service then reads sealed values only), so this migration
// needs the data key when such values exist: the runner passes it as `ctx.dataKey`.
// The append-only history is rewritten once, inside this migration's transaction, with its
// UPDATE trigger switched off for it alone.
// The rule and the format are those of src/crypto/sealed-data.ts at the time of writing, copied so they stay fixed.

interface Ctx { dataKey?: Buffer }

const SEALED_NAME = /(?:^(?:idNumber|bankAccount|bankCard|mobile|phone)|IdNumber|BankAccount|BankCard|Mobile|Phone)$/;
const BATCH = 500;

function encKey(master: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'veterans persons aes-256-gcm v1', 32));
}

function encrypt(enc: Buffer, plain: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', enc, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

function decrypt(enc: Buffer, stored: string, aad: string): string {
  const raw = Buffer.from(stored.slice(3), 'base64url');
  const d = createDecipheriv('aes-256-gcm', enc, raw.subarray(0, 12));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
}

/** Maps every string under a sealed name; returns the same object when nothing is under one. */
function mapSealed(value: unknown, at: string, leaf: (v: string, at: string) => string): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      if (v === null || typeof v !== 'object') return;
      const n = mapSealed(v, `${at}/${i}`, leaf);
      if (n !== v) (out ??= value.slice())[i] = n;
    });
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(o)) {
      const v = o[key];
      const path = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const n = typeof v === 'string' ? (SEALED_NAME.test(key) ? leaf(v, path) : v) : v !== null && typeof v === 'object' ? mapSealed(v, path, leaf) : v;
      if (n !== v) (out ??= { ...o })[key] = n;
    }
    return out ?? value;
  }
  return value;
}

/** What becomes of one value, given its additional data. */
type Leaf = (value: string, aad: string) => string;

interface Table {
  name: string;
  key: string[];
  columns: { column: string; scope: (row: Record<string, unknown>) => string }[];
}

const TABLES: Table[] = [
  { name: 'cases', key: ['id'], columns: [
    { column: 'snapshot', scope: (r) => `cases.snapshot:${r.id}:` },
    { column: 'agent', scope: (r) => `cases.agent:${r.id}:` },
  ] },
  { name: 'case_events', key: ['case_id', 'seq'], columns: [{ column: 'payload', scope: (r) => `case_events.payload:${r.case_id}:${r.seq}:` }] },
  { name: 'page_drafts', key: ['case_id', 'user_id', 'event_type'], columns: [{ column: 'data', scope: (r) => `page_drafts.data:${r.case_id}:${r.user_id}:${r.event_type}:` }] },
];

/** Rewrites every row whose documents hold such values (all of them without `leaf`: only counted); returns how many values there are. */
async function convertAll(db: Kysely<any>, leaf: Leaf | undefined): Promise<number> {
  let seen = 0;
  for (const t of TABLES) {
    const keys = sql.join(t.key.map((k) => sql.ref(k)));
    const cols = sql.join([...t.key, ...t.columns.map((c) => c.column)].map((k) => sql.ref(k)));
    let after: unknown[] | undefined;
    for (;;) {
      const rows = (await sql<Record<string, unknown>>`select ${cols} from ${sql.table(t.name)}
        ${after ? sql`where (${keys}) > (${sql.join(after)})` : sql``} order by ${keys} limit ${BATCH}`.execute(db)).rows;
      if (rows.length === 0) break;
      after = t.key.map((k) => rows[rows.length - 1]![k]);
      const changed = rows.flatMap((r) => {
        let touched = false;
        const docs = t.columns.map((c) => {
          const scope = c.scope(r);
          return mapSealed(r[c.column], '', (v, at) => { seen++; touched = true; return leaf ? leaf(v, scope + at) : v; });
        });
        return touched && leaf ? [{ r, docs }] : [];
      });
      if (changed.length === 0) continue;
      const values = changed.map(({ r, docs }) => sql`(${sql.join([...t.key.map((k) => r[k]), ...docs.map((d) => (d == null ? null : JSON.stringify(d)))])})`);
      // VALUES parameters arrive as text: the key columns that are not are cast back.
      const cast = (k: string) => (k === 'seq' ? sql`::int` : sql``);
      await sql`update ${sql.table(t.name)} t set ${sql.join(t.columns.map((c) => sql`${sql.ref(c.column)} = v.${sql.ref(c.column)}::jsonb`))}
        from (values ${sql.join(values)}) as v(${cols})
        where ${sql.join(t.key.map((k) => sql`t.${sql.ref(k)} = v.${sql.ref(k)}${cast(k)}`), sql` and `)}`.execute(db);
    }
  }
  return seen;
}

async function run(db: Kysely<any>, ctx: Ctx, direction: 'seal' | 'open'): Promise<void> {
  if (!ctx.dataKey) {
    const n = await convertAll(db, undefined);
    if (n > 0) {
      throw new Error(`${n} ID numbers, bank accounts and phones in case data must be ${direction === 'seal' ? 'encrypted' : 'decrypted'} and no data key was given (DATA_KEY) / 需要 DATA_KEY 才能处理案件数据中的身份号码、银行账号和电话`);
    }
    return;
  }
  const enc = encKey(ctx.dataKey);
  await sql`alter table case_events disable trigger case_events_no_update`.execute(db);
  await convertAll(db, direction === 'seal' ? (v, aad) => encrypt(enc, v, aad) : (v, aad) => decrypt(enc, v, aad));
  await sql`alter table case_events enable trigger case_events_no_update`.execute(db);
}

export async function up(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await run(db, ctx, 'seal');
}

export async function down(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await run(db, ctx, 'open');
}
