import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Personal data in free text and files encrypted at rest (issue #14, item 8): comments, urges,
// reasons, notes, opinions and file names, and any other string of the case documents that holds
// something looking like an ID number, card or mobile, become `v1:` AES-256-GCM strings in
// cases.snapshot, cases.agent, case_events.payload, page_drafts.data and (for the first time)
// jobs.params; the additional data is the row and the value's JSON Pointer, as in 0010. The names,
// scans and thumbnails in `attachments` and the file names of `rosters` are encrypted for their row
// and column (bytea as `v1:` followed by iv ‖ ciphertext ‖ tag).
// Existing rows are converted here, so this migration needs the data key when there is anything
// to convert (the runner passes it as `ctx.dataKey`). The append-only history is rewritten once,
// inside this migration's transaction, with its UPDATE trigger switched off for it alone.
// The rule and the format are those of src/crypto/sealed-data.ts, src/crypto/data-key.ts and
// src/personal-numbers/personal-numbers.ts at the time of writing, copied so they stay fixed.

interface Ctx { dataKey?: Buffer }

/** What 0010 sealed: a string property under one of these names (not an array's items). */
const PERSONAL_NAME = /(?:^(?:idNumber|bankAccount|bankCard|mobile|phone)|IdNumber|BankAccount|BankCard|Mobile|Phone)$/;
const FREE_TEXT_NAME = /(?:^(?:text|reason|note|opinion|comment|filename)|Reason|Note|Opinion|Comment|Filename)$/;
const IDENTIFIER_NAME = /(?:^id|Id)s?$/;
const NUMBERS = [/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/, /(?<!\d)\d{16,19}(?!\d)/, /(?<!\d)1[3-9]\d{9}(?!\d)/];
const BATCH = 500;

function holdsPersonalNumber(text: string): boolean {
  if (!/[0-9０-９]/.test(text)) return false;
  const joined = text.normalize('NFKC').replace(/(?<=\d)[ \t\-.·]+(?=\d)/g, '');
  return NUMBERS.some((re) => re.test(text) || re.test(joined));
}

function isSealedValue(name: string, value: string): boolean {
  return PERSONAL_NAME.test(name) || FREE_TEXT_NAME.test(name) || (!IDENTIFIER_NAME.test(name) && (value.startsWith('v1:') || holdsPersonalNumber(value)));
}

function encKey(master: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'veterans persons aes-256-gcm v1', 32));
}

function seal(enc: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', enc, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function unseal(enc: Buffer, raw: Buffer, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', enc, raw.subarray(0, 12));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
}

const PREFIX = Buffer.from('v1:', 'latin1');

/** What becomes of one value, given its additional data. */
interface Codec {
  text(value: string, aad: string): string;
  bytes(value: Buffer, aad: string): Buffer;
}

function sealing(enc: Buffer): Codec {
  return {
    text: (v, aad) => `v1:${seal(enc, Buffer.from(v, 'utf8'), aad).toString('base64url')}`,
    bytes: (v, aad) => Buffer.concat([PREFIX, seal(enc, v, aad)]),
  };
}

function opening(enc: Buffer): Codec {
  return {
    text: (v, aad) => unseal(enc, Buffer.from(v.slice(3), 'base64url'), aad).toString('utf8'),
    bytes: (v, aad) => unseal(enc, v.subarray(3), aad),
  };
}

type Leaf = (v: string, at: string) => string;

/**
 * Maps every string this migration seals (or, going down, opened); returns the same object when
 * there is none. `sealedBefore`: the document's personal-data names were sealed by 0010 already.
 */
function mapValue(v: unknown, name: string, direct: boolean, at: string, sealedBefore: boolean, up: boolean, leaf: Leaf): unknown {
  if (typeof v === 'string') {
    if (sealedBefore && direct && PERSONAL_NAME.test(name)) return v;
    if (!isSealedValue(name, v)) return v;
    return up || v.startsWith('v1:') ? leaf(v, at) : v;
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const n = mapValue(x, name, false, `${at}/${i}`, sealedBefore, up, leaf);
      if (n !== x) (out ??= v.slice())[i] = n;
    });
    return out ?? v;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(o)) {
      const n = mapValue(o[key], key, true, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, sealedBefore, up, leaf);
      if (n !== o[key]) (out ??= { ...o })[key] = n;
    }
    return out ?? v;
  }
  return v;
}

interface DocumentTable {
  name: string;
  key: string[];
  sealedBefore: boolean;
  columns: { column: string; scope: (row: Record<string, unknown>) => string }[];
}

const DOCUMENTS: DocumentTable[] = [
  { name: 'cases', key: ['id'], sealedBefore: true, columns: [
    { column: 'snapshot', scope: (r) => `cases.snapshot:${r.id}:` },
    { column: 'agent', scope: (r) => `cases.agent:${r.id}:` },
  ] },
  { name: 'case_events', key: ['case_id', 'seq'], sealedBefore: true, columns: [{ column: 'payload', scope: (r) => `case_events.payload:${r.case_id}:${r.seq}:` }] },
  { name: 'page_drafts', key: ['case_id', 'user_id', 'event_type'], sealedBefore: true, columns: [{ column: 'data', scope: (r) => `page_drafts.data:${r.case_id}:${r.user_id}:${r.event_type}:` }] },
  { name: 'jobs', key: ['id'], sealedBefore: false, columns: [{ column: 'params', scope: (r) => `jobs.params:${r.id}:` }] },
];

/** Rewrites every document holding such values (without `codec`: only counts them); returns how many values there are. */
async function convertDocuments(db: Kysely<any>, up: boolean, codec: Codec | undefined): Promise<number> {
  let seen = 0;
  for (const t of DOCUMENTS) {
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
          return mapValue(r[c.column], '', false, '', t.sealedBefore, up, (v, at) => { seen++; touched = true; return codec ? codec.text(v, scope + at) : v; });
        });
        return touched && codec ? [{ r, docs }] : [];
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

/**
 * Attachments (name, scan, thumbnail) and roster file names, every row (before this migration none
 * was sealed, after it all are), one at a time: a scan may be 10 MB.
 */
async function convertFiles(db: Kysely<any>, codec: Codec | undefined): Promise<number> {
  const attachments = (await sql<{ id: string }>`select id from attachments order by id`.execute(db)).rows;
  const rosters = (await sql<{ id: string }>`select id from rosters order by id`.execute(db)).rows;
  if (!codec) return attachments.length + rosters.length;
  for (const { id } of attachments) {
    const r = (await sql<{ filename: string; bytes: Buffer; thumbnail: Buffer | null }>`select filename, bytes, thumbnail from attachments where id = ${id}`.execute(db)).rows[0]!;
    const thumbnail = r.thumbnail && codec.bytes(r.thumbnail, `attachments.thumbnail:${id}`);
    await sql`update attachments set filename = ${codec.text(r.filename, `attachments.filename:${id}`)}, bytes = ${codec.bytes(r.bytes, `attachments.bytes:${id}`)},
      thumbnail = ${thumbnail} where id = ${id}`.execute(db);
  }
  for (const { id } of rosters) {
    const r = (await sql<{ file_name: string }>`select file_name from rosters where id = ${id}`.execute(db)).rows[0]!;
    await sql`update rosters set file_name = ${codec.text(r.file_name, `rosters.file_name:${id}`)} where id = ${id}`.execute(db);
  }
  return attachments.length + rosters.length;
}

async function run(db: Kysely<any>, ctx: Ctx, up: boolean): Promise<void> {
  if (!ctx.dataKey) {
    const n = await convertDocuments(db, up, undefined) + await convertFiles(db, undefined);
    if (n > 0) {
      throw new Error(`${n} free texts, file names and files must be ${up ? 'encrypted' : 'decrypted'} and no data key was given (DATA_KEY) / 需要 DATA_KEY 才能处理意见、原因、文件名和附件`);
    }
    return;
  }
  const enc = encKey(ctx.dataKey);
  const codec = up ? sealing(enc) : opening(enc);
  await sql`alter table case_events disable trigger case_events_no_update`.execute(db);
  await convertDocuments(db, up, codec);
  await sql`alter table case_events enable trigger case_events_no_update`.execute(db);
  await convertFiles(db, codec);
}

export async function up(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await run(db, ctx, true);
}

export async function down(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await run(db, ctx, false);
}
