import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';

/**
 * Encryption at rest of personal data (ID numbers, phones) with AES-256-GCM, and a keyed hash
 * (HMAC-SHA256, a "blind index") to find a row by its ID number without decrypting every row.
 *
 * The master key (DATA_KEY, 32 bytes) never enters the database: it comes from the environment,
 * or from `DATA_DIR/data-key` for the embedded database. Two sub-keys are derived from it with
 * HKDF, one to encrypt and one to hash. A stored value is `v1:` + base64url(iv ‖ ciphertext ‖ tag);
 * the additional authenticated data names the column and the row, so a ciphertext cannot be moved
 * to another row or column without failing to decrypt.
 *
 * Files (attachments) are sealed the same way into bytea, as `v1:` followed by the raw
 * iv ‖ ciphertext ‖ tag.
 *
 * Migrations 20261124T0004_hardening.ts, 20261124T0010_sealed_case_data.ts and
 * 20261202T0015_sealed_free_text.ts carry frozen copies of this format: change all or none.
 */

export class DataKeyError extends Error {}

export interface DataKeys {
  /** AES-256-GCM key. */
  enc: Buffer;
  /** HMAC-SHA256 key of the blind index. */
  mac: Buffer;
  /** A short, non-secret name of the master key, stored in `data_keys` to detect a wrong key. */
  kid: string;
}

const PREFIX = 'v1:';
const PREFIX_BYTES = Buffer.from(PREFIX, 'latin1');
const MEMORY = 'memory://';

/** Parses DATA_KEY: 64 hex characters, or base64/base64url of 32 bytes. */
export function parseDataKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : undefined;
  if (!key || key.length !== 32) {
    throw new DataKeyError('DATA_KEY 须为32字节密钥（64位十六进制或base64） / DATA_KEY must be a 32-byte key, as 64 hex characters or base64');
  }
  return key;
}

export function deriveKeys(master: Buffer): DataKeys {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { enc: sub('veterans persons aes-256-gcm v1'), mac: sub('veterans persons blind-index v1'), kid: sub('veterans data key id').subarray(0, 8).toString('hex') };
}

function seal(keys: DataKeys, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function unseal(keys: DataKeys, raw: Buffer, aad: string): Buffer {
  if (raw.length < 28) throw new DataKeyError(`encrypted value too short (${aad})`);
  const decipher = createDecipheriv('aes-256-gcm', keys.enc, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  try {
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
  } catch {
    throw new DataKeyError(`数据无法解密：DATA_KEY 不对或数据被改动 / cannot decrypt ${aad}: wrong DATA_KEY or altered data`);
  }
}

/** Encrypts one field; `aad` names where it lives (column and row). */
export function encryptField(keys: DataKeys, plain: string, aad: string): string {
  return PREFIX + seal(keys, Buffer.from(plain, 'utf8'), aad).toString('base64url');
}

export function decryptField(keys: DataKeys, stored: string, aad: string): string {
  if (!stored.startsWith(PREFIX)) throw new DataKeyError(`not an encrypted value (${aad})`);
  return unseal(keys, Buffer.from(stored.slice(PREFIX.length), 'base64url'), aad).toString('utf8');
}

/** True for a string in the stored form of an encrypted field (which a plaintext may happen to look like too). */
export function isEncryptedForm(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** A file's bytes encrypted for a bytea column: `v1:` then iv ‖ ciphertext ‖ tag, unencoded. */
export function encryptBytes(keys: DataKeys, plain: Buffer, aad: string): Buffer {
  return Buffer.concat([PREFIX_BYTES, seal(keys, plain, aad)]);
}

export function decryptBytes(keys: DataKeys, stored: Buffer, aad: string): Buffer {
  if (!stored.subarray(0, PREFIX_BYTES.length).equals(PREFIX_BYTES)) throw new DataKeyError(`not an encrypted value (${aad})`);
  return unseal(keys, stored.subarray(PREFIX_BYTES.length), aad);
}

/** The keyed hash a column is searched by; `kind` keeps indexes of different fields apart. */
export function blindIndex(keys: DataKeys, kind: string, value: string): string {
  return createHmac('sha256', keys.mac).update(`${kind}:${value}`).digest('base64url');
}

// One key per process: repositories keep their signatures (callers pass only `db`), so the key is
// set once at start (buildApp, the command-line tools) and read here.
let active: { master: Buffer; keys: DataKeys } | undefined;
let memoryKey: Buffer | undefined;

/** Makes `master` the process's data key; a different key later in the same process is refused. */
export function useDataKey(master: Buffer): DataKeys {
  if (active) {
    if (active.master.length === master.length && timingSafeEqual(active.master, master)) return active.keys;
    throw new DataKeyError('this process already uses another DATA_KEY; one process serves one key');
  }
  active = { master: Buffer.from(master), keys: deriveKeys(master) };
  return active.keys;
}

/** The process's data keys; throws when none was set (a programming error, not a user's). */
export function dataKeys(): DataKeys {
  if (!active) throw new DataKeyError('no DATA_KEY set: call useDataKey() at start');
  return active.keys;
}

/**
 * The key kept beside the embedded database (`DATA_DIR/data-key`, mode 600), created on first
 * start; an in-memory database gets one key per process.
 */
export function embeddedDataKey(dataDir: string): Buffer {
  if (dataDir === MEMORY) return (memoryKey ??= randomBytes(32));
  const file = join(resolve(dataDir), 'data-key');
  if (!existsSync(file)) {
    mkdirSync(resolve(dataDir), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return parseDataKey(readFileSync(file, 'utf8'));
}

/**
 * Refuses to run with a key other than the one the database's personal data was encrypted with:
 * the first key is recorded in `data_keys` (by its id, never the key), a different one is an error.
 */
export async function checkDataKey(db: Kysely<any>, keys: DataKeys, now: Date): Promise<void> {
  const known = (await sql<{ kid: string }>`select kid from data_keys`.execute(db)).rows.map((r) => r.kid);
  if (known.includes(keys.kid)) return;
  if (known.length > 0) {
    throw new DataKeyError(
      `DATA_KEY 与加密该数据库时所用的密钥不一致（库中密钥标识 ${known.join(', ')}，当前 ${keys.kid}） / `
      + `DATA_KEY is not the key this database's personal data was encrypted with (database key id ${known.join(', ')}, this key ${keys.kid})`,
    );
  }
  await sql`insert into data_keys (kid, created_at) values (${keys.kid}, ${now}) on conflict do nothing`.execute(db);
}
