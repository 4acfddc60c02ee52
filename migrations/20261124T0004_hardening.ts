import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Hardening: ID numbers and phones encrypted at rest (AES-256-GCM) with a keyed hash (HMAC-SHA256)
// to look ID numbers up by; the id of the key in use (never the key); failed-login counters and
// lockout on users. Existing rows are converted here, so this migration needs the data key when
// the persons table has rows: the runner passes it as `ctx.dataKey` (src/db/migrate.ts).
// The format is that of src/crypto/data-key.ts at the time of writing, copied so it stays fixed.

interface Ctx { dataKey?: Buffer }

function keysOf(master: Buffer) {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { enc: sub('veterans persons aes-256-gcm v1'), mac: sub('veterans persons blind-index v1'), kid: sub('veterans data key id').subarray(0, 8).toString('hex') };
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

const BATCH = 500;

export async function up(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await db.schema.alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .execute();

  await db.schema.createTable('data_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('persons')
    .addColumn('id_number_enc', 'text')
    .addColumn('id_number_hash', 'text')
    .addColumn('phone_enc', 'text')
    .execute();

  const count = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(db)).rows[0]!.n);
  if (count > 0 && !ctx.dataKey) {
    throw new Error(`${count} persons must be encrypted and no data key was given (DATA_KEY) / 需要 DATA_KEY 才能加密已有人员数据`);
  }
  if (ctx.dataKey) {
    const keys = keysOf(ctx.dataKey);
    await sql`insert into data_keys (kid, created_at) values (${keys.kid}, now())`.execute(db);
    let after = '';
    for (;;) {
      const rows = (await sql<{ id: string; id_number: string; phone: string | null }>`
        select id, id_number, phone from persons where id > ${after} order by id limit ${BATCH}`.execute(db)).rows;
      if (rows.length === 0) break;
      const values = rows.map((r) => {
        const idNumber = r.id_number.trim().toUpperCase();
        return sql`(${r.id}, ${encrypt(keys.enc, idNumber, `persons.id_number:${r.id}`)},
          ${createHmac('sha256', keys.mac).update(`id_number:${idNumber}`).digest('base64url')},
          ${r.phone === null ? null : encrypt(keys.enc, r.phone, `persons.phone:${r.id}`)})`;
      });
      await sql`update persons p set id_number_enc = v.enc, id_number_hash = v.hash, phone_enc = v.phone
        from (values ${sql.join(values)}) as v(id, enc, hash, phone) where p.id = v.id`.execute(db);
      after = rows[rows.length - 1]!.id;
    }
  }

  await sql`alter table persons alter column id_number_enc set not null, alter column id_number_hash set not null`.execute(db);
  await sql`alter table persons add constraint persons_id_number_enc_check check (id_number_enc like 'v1:%'),
    add constraint persons_phone_enc_check check (phone_enc is null or phone_enc like 'v1:%')`.execute(db);
  await sql`create unique index persons_id_number_hash_idx on persons (id_number_hash)`.execute(db);
  // The plaintext goes, and with it the unique constraint on it (the keyed hash is unique instead).
  await db.schema.alterTable('persons').dropColumn('id_number').dropColumn('phone').execute();
}

export async function down(db: Kysely<any>, ctx: Ctx = {}): Promise<void> {
  await db.schema.alterTable('persons').addColumn('id_number', 'text').addColumn('phone', 'text').execute();
  const count = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(db)).rows[0]!.n);
  if (count > 0 && !ctx.dataKey) throw new Error('DATA_KEY is needed to decrypt the persons table');
  if (ctx.dataKey) {
    const keys = keysOf(ctx.dataKey);
    const rows = (await sql<{ id: string; id_number_enc: string; phone_enc: string | null }>`select id, id_number_enc, phone_enc from persons`.execute(db)).rows;
    for (const r of rows) {
      await sql`update persons set id_number = ${decrypt(keys.enc, r.id_number_enc, `persons.id_number:${r.id}`)},
        phone = ${r.phone_enc === null ? null : decrypt(keys.enc, r.phone_enc, `persons.phone:${r.id}`)} where id = ${r.id}`.execute(db);
    }
  }
  await sql`alter table persons alter column id_number set not null, add constraint persons_id_number_key unique (id_number)`.execute(db);
  await db.schema.alterTable('persons').dropColumn('id_number_enc').dropColumn('id_number_hash').dropColumn('phone_enc').execute();
  await db.schema.dropTable('data_keys').execute();
  await db.schema.alterTable('users').dropColumn('failed_logins').dropColumn('locked_until').execute();
}
