import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// A hash chain over each case's history (issue #14, item 9): case_events.hash links every entry
// to the one before it, cases.history_hash keeps the last link. Existing histories are chained
// here, in seq order, by the rule of src/cases/history-chain.ts at the time of writing (copied so
// it stays fixed): SHA-256 hex of the previous hash and the digest of the entry's canonical JSON,
// its payload opened, strings under the personal-data names standing as a fixed mark.
// The append-only history is rewritten once, inside this migration's transaction, with its
// UPDATE trigger switched off for it alone (as in 0010).

interface Ctx { dataKey?: Buffer }

const MARKED_NAME = /(?:^(?:idNumber|bankAccount|bankCard|mobile|phone)|IdNumber|BankAccount|BankCard|Mobile|Phone)$/;
const MARK = '\u0000sealed';
// The form of a sealed value (0004): v1: and base64url of iv, ciphertext and tag.
const SEALED_VALUE = /^v1:[A-Za-z0-9_-]{38,}$/;
const BATCH = 500;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function decrypt(master: Buffer, stored: string, aad: string): string {
  const enc = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'veterans persons aes-256-gcm v1', 32));
  const raw = Buffer.from(stored.slice(3), 'base64url');
  const d = createDecipheriv('aes-256-gcm', enc, raw.subarray(0, 12));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
}

/** JSON with every object's keys sorted, strings under marked names marked. */
function canonical(value: unknown, name?: string): string {
  if (typeof value === 'string') return JSON.stringify(name !== undefined && MARKED_NAME.test(name) ? MARK : value);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k], k)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The payload as a reader gets it: a value sealed under a name that is not marked (a later sealing rule) opened. */
function opened(value: unknown, at: string, open: (stored: string, at: string) => string, name?: string): unknown {
  if (typeof value === 'string') return name !== undefined && !MARKED_NAME.test(name) && SEALED_VALUE.test(value) ? open(value, at) : value;
  if (Array.isArray(value)) return value.map((v, i) => (v !== null && typeof v === 'object' ? opened(v, `${at}/${i}`, open) : v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, opened(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, open, k)]));
  }
  return value;
}

interface EventRow {
  case_id: string; seq: number; kind: string; type: string; payload: unknown; actor_id: string | null;
  from_state: string | null; to_state: string | null; at: Date; prior_timing: unknown;
}

function digest(e: EventRow, open: (stored: string, at: string) => string): string {
  const content = JSON.parse(JSON.stringify({
    caseId: e.case_id, seq: e.seq, kind: e.kind, type: e.type, actorId: e.actor_id, fromState: e.from_state, toState: e.to_state,
    at: e.at, priorTiming: e.prior_timing ?? null, payload: opened(e.payload, '', open),
  }));
  return sha256(canonical(content));
}

export async function up(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('hash', 'text').execute();
  await db.schema.alterTable('cases').addColumn('history_hash', 'text').execute();
  await sql`alter table case_events disable trigger case_events_no_update`.execute(db);
  let after = '';
  for (;;) {
    const ids = (await db.selectFrom('cases').select('id').where('id', '>', after).orderBy('id').limit(BATCH).execute()).map((r) => r.id as string);
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!;
    const events = await db.selectFrom('case_events').select(['case_id', 'seq', 'kind', 'type', 'payload', 'actor_id', 'from_state', 'to_state', 'at', 'prior_timing'])
      .where('case_id', 'in', ids).orderBy('case_id').orderBy('seq').execute() as EventRow[];
    if (events.length === 0) continue;
    const links: { caseId: string; seq: number; hash: string }[] = [];
    const heads = new Map<string, string>();
    for (const e of events) {
      const open = (stored: string, at: string) => {
        if (!ctx.dataKey) throw new Error(`case ${e.case_id} entry ${e.seq} holds sealed values and no data key was given (DATA_KEY) / 需要 DATA_KEY 才能为案件历史建立哈希链`);
        return decrypt(ctx.dataKey, stored, `case_events.payload:${e.case_id}:${e.seq}:${at}`);
      };
      const hash = sha256((heads.get(e.case_id) ?? sha256(`case_events chain v1:${e.case_id}`)) + digest(e, open));
      heads.set(e.case_id, hash);
      links.push({ caseId: e.case_id, seq: e.seq, hash });
    }
    const values = sql.join(links.map((l) => sql`(${l.caseId}, ${l.seq}::int, ${l.hash})`));
    await sql`update case_events t set hash = v.hash from (values ${values}) as v(case_id, seq, hash)
      where t.case_id = v.case_id and t.seq = v.seq`.execute(db);
    const headValues = sql.join([...heads].map(([id, hash]) => sql`(${id}, ${hash})`));
    await sql`update cases t set history_hash = v.hash from (values ${headValues}) as v(id, hash) where t.id = v.id`.execute(db);
  }
  await sql`alter table case_events enable trigger case_events_no_update`.execute(db);
  await db.schema.alterTable('case_events').alterColumn('hash', (c) => c.setNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('history_hash').execute();
  await db.schema.alterTable('case_events').dropColumn('hash').execute();
}
