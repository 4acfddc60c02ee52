import { createHash } from 'node:crypto';
import type { ColumnType } from 'kysely';
import { dataKeys, decryptBytes, decryptField, encryptBytes, encryptField } from '../crypto/data-key.ts';
import { openJson, sealJson } from '../crypto/sealed-data.ts';
import type { Db, Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';

type Timestamp = ColumnType<Date, Date, Date>;

/** Tables of migration 0005 (the pages' own; the shared Database type stays untouched). */
type PagesTables = {
  attachments: {
    id: string; case_id: string; event_seq: number; material_id: string | null; filename: string; mime: string;
    size: number; sha256: string; bytes: Buffer; thumbnail: Buffer | null; uploaded_by: string; at: Timestamp;
  };
  page_drafts: {
    case_id: string; user_id: string; event_type: string; data: ColumnType<Record<string, unknown>, string, string>;
    case_version: number; version: number; updated_at: Timestamp;
  };
};

const t = (db: Executor) => db.withTables<PagesTables>();

// ---------------------------------------------------------------- attachments

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_THUMBNAIL_BYTES = 64 * 1024;

export type AttachmentMime = 'application/pdf' | 'image/jpeg' | 'image/png';

/** What the first bytes say the file is; only PDF, JPEG and PNG are taken. */
export function sniffMime(b: Buffer): AttachmentMime | null {
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

export interface AttachmentMeta {
  id: string;
  caseId: string;
  eventSeq: number;
  materialId: string | null;
  filename: string;
  mime: AttachmentMime;
  size: number;
  sha256: string;
  hasThumbnail: boolean;
  uploadedBy: string;
  uploaderName: string | null;
  at: Date;
}

export interface NewAttachment {
  caseId: string;
  eventSeq: number;
  materialId: string | null;
  filename: string;
  mime: AttachmentMime;
  bytes: Buffer;
  thumbnail: Buffer | null;
  uploadedBy: string;
  at: Date;
}

/**
 * A scan shows an ID card or a bank card, and its name often says whose (王浩然_3301…_银行卡.pdf):
 * the name, the bytes and the thumbnail are stored encrypted for their row and column. Size,
 * type and the SHA-256 of the file as uploaded stay readable.
 */
const sealedAs = (column: 'filename' | 'bytes' | 'thumbnail', id: string) => `attachments.${column}:${id}`;

export async function insertAttachment(db: Executor, a: NewAttachment): Promise<AttachmentMeta> {
  const id = newId(a.at.getTime());
  const sha256 = createHash('sha256').update(a.bytes).digest('hex');
  const keys = dataKeys();
  await t(db).insertInto('attachments').values({
    id, case_id: a.caseId, event_seq: a.eventSeq, material_id: a.materialId, filename: encryptField(keys, a.filename, sealedAs('filename', id)), mime: a.mime,
    size: a.bytes.length, sha256, bytes: encryptBytes(keys, a.bytes, sealedAs('bytes', id)),
    thumbnail: a.thumbnail && encryptBytes(keys, a.thumbnail, sealedAs('thumbnail', id)), uploaded_by: a.uploadedBy, at: a.at,
  }).execute();
  return { id, caseId: a.caseId, eventSeq: a.eventSeq, materialId: a.materialId, filename: a.filename, mime: a.mime, size: a.bytes.length, sha256, hasThumbnail: a.thumbnail !== null, uploadedBy: a.uploadedBy, uploaderName: null, at: a.at };
}

/** A case's attachments, oldest first, without their bytes. */
export async function listAttachments(db: Executor, caseId: string): Promise<AttachmentMeta[]> {
  const rows = await t(db).selectFrom('attachments').leftJoin('users', 'users.id', 'attachments.uploaded_by')
    .select(['attachments.id', 'attachments.case_id', 'attachments.event_seq', 'attachments.material_id', 'attachments.filename', 'attachments.mime',
      'attachments.size', 'attachments.sha256', 'attachments.uploaded_by', 'attachments.at', 'users.display_name'])
    .select((eb) => eb('attachments.thumbnail', 'is not', null).as('has_thumbnail'))
    .where('attachments.case_id', '=', caseId).orderBy('attachments.at').orderBy('attachments.id').execute();
  return rows.map((r) => ({
    id: r.id, caseId: r.case_id, eventSeq: r.event_seq, materialId: r.material_id, filename: decryptField(dataKeys(), r.filename, sealedAs('filename', r.id)), mime: r.mime as AttachmentMime,
    size: r.size, sha256: r.sha256, hasThumbnail: Boolean(r.has_thumbnail), uploadedBy: r.uploaded_by, uploaderName: r.display_name, at: r.at,
  }));
}

/**
 * One attachment with its bytes, only when its case lies inside the jurisdiction `scopePath`;
 * outside it the attachment does not exist.
 */
export async function findAttachment(db: Executor, id: string, scopePath: string): Promise<{ caseId: string; filename: string; mime: string; bytes: Buffer; thumbnail: Buffer | null; sha256: string } | undefined> {
  const r = await t(db).selectFrom('attachments').innerJoin('cases', 'cases.id', 'attachments.case_id')
    .select(['attachments.case_id', 'attachments.filename', 'attachments.mime', 'attachments.bytes', 'attachments.thumbnail', 'attachments.sha256'])
    .where('attachments.id', '=', id)
    .where((eb) => eb.or([eb('cases.station_path', '=', scopePath), eb('cases.station_path', 'like', `${scopePath}.%`)]))
    .executeTakeFirst();
  if (!r) return undefined;
  const keys = dataKeys();
  return {
    caseId: r.case_id, filename: decryptField(keys, r.filename, sealedAs('filename', id)), mime: r.mime, bytes: decryptBytes(keys, r.bytes, sealedAs('bytes', id)),
    thumbnail: r.thumbnail && decryptBytes(keys, r.thumbnail, sealedAs('thumbnail', id)), sha256: r.sha256,
  };
}

// ---------------------------------------------------------------- drafts

export interface Draft {
  caseId: string;
  userId: string;
  eventType: string;
  data: Record<string, unknown>;
  caseVersion: number;
  version: number;
  updatedAt: Date;
}

/** A draft holds what was typed, ID numbers and accounts included: sealed like the case's own data. */
const draftScope = (caseId: string, userId: string, eventType: string) => `page_drafts.data:${caseId}:${userId}:${eventType}:`;

export async function findDraft(db: Executor, caseId: string, userId: string, eventType: string): Promise<Draft | undefined> {
  const r = await t(db).selectFrom('page_drafts').selectAll().where('case_id', '=', caseId).where('user_id', '=', userId)
    .where('event_type', '=', eventType).executeTakeFirst();
  return r && { caseId: r.case_id, userId: r.user_id, eventType: r.event_type, data: openJson(r.data, draftScope(caseId, userId, eventType)), caseVersion: r.case_version, version: r.version, updatedAt: r.updated_at };
}

/** Event types this user has a draft for on a case. */
export async function draftTypes(db: Executor, caseId: string, userId: string): Promise<{ eventType: string; updatedAt: Date }[]> {
  const rows = await t(db).selectFrom('page_drafts').select(['event_type', 'updated_at']).where('case_id', '=', caseId).where('user_id', '=', userId).execute();
  return rows.map((r) => ({ eventType: r.event_type, updatedAt: r.updated_at }));
}

/**
 * Saves a draft. `expectedDraftVersion` (the version the form was loaded with; 0 for none)
 * must match the stored one, else nothing is written and the stored draft is returned.
 */
export async function saveDraft(db: Db, d: { caseId: string; userId: string; eventType: string; data: Record<string, unknown>; caseVersion: number; now: Date }, expectedDraftVersion?: number): Promise<{ ok: true; version: number } | { ok: false; current: Draft }> {
  return db.transaction().execute(async (trx) => {
    const current = await t(trx).selectFrom('page_drafts').select(['version']).where('case_id', '=', d.caseId).where('user_id', '=', d.userId)
      .where('event_type', '=', d.eventType).forUpdate().executeTakeFirst();
    if (expectedDraftVersion !== undefined && (current?.version ?? 0) !== expectedDraftVersion) {
      return { ok: false as const, current: (await findDraft(trx, d.caseId, d.userId, d.eventType))! };
    }
    const version = (current?.version ?? 0) + 1;
    const data = JSON.stringify(sealJson(d.data, draftScope(d.caseId, d.userId, d.eventType)));
    if (current) {
      await t(trx).updateTable('page_drafts').set({ data, case_version: d.caseVersion, version, updated_at: d.now })
        .where('case_id', '=', d.caseId).where('user_id', '=', d.userId).where('event_type', '=', d.eventType).execute();
    } else {
      await t(trx).insertInto('page_drafts').values({ case_id: d.caseId, user_id: d.userId, event_type: d.eventType, data, case_version: d.caseVersion, version, updated_at: d.now }).execute();
    }
    return { ok: true as const, version };
  });
}

export async function deleteDraft(db: Executor, caseId: string, userId: string, eventType: string): Promise<void> {
  await t(db).deleteFrom('page_drafts').where('case_id', '=', caseId).where('user_id', '=', userId).where('event_type', '=', eventType).execute();
}

/** Cases this user has drafts on, newest first (the home page). */
export async function myDrafts(db: Executor, userId: string, limit: number): Promise<{ caseId: string; eventType: string; updatedAt: Date }[]> {
  const rows = await t(db).selectFrom('page_drafts').innerJoin('cases', 'cases.id', 'page_drafts.case_id')
    .select(['page_drafts.case_id', 'page_drafts.event_type', 'page_drafts.updated_at'])
    .where('page_drafts.user_id', '=', userId).where('cases.status', '=', 'open').orderBy('page_drafts.updated_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ caseId: r.case_id, eventType: r.event_type, updatedAt: r.updated_at }));
}
