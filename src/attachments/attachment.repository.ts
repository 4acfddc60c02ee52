import { createHash } from 'node:crypto';
import { dataKeys, decryptBytes, decryptField, encryptBytes, encryptField } from '../crypto/data-key.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { AttachmentMime } from './file-check.ts';

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

/** An attachment with its bytes, as it is served. */
export interface AttachmentFile {
  caseId: string;
  filename: string;
  mime: string;
  bytes: Buffer;
  thumbnail: Buffer | null;
  sha256: string;
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
  await db.insertInto('attachments').values({
    id, case_id: a.caseId, event_seq: a.eventSeq, material_id: a.materialId, filename: encryptField(keys, a.filename, sealedAs('filename', id)), mime: a.mime,
    size: a.bytes.length, sha256, bytes: encryptBytes(keys, a.bytes, sealedAs('bytes', id)),
    thumbnail: a.thumbnail && encryptBytes(keys, a.thumbnail, sealedAs('thumbnail', id)), uploaded_by: a.uploadedBy, at: a.at,
  }).execute();
  return {
    id, caseId: a.caseId, eventSeq: a.eventSeq, materialId: a.materialId, filename: a.filename, mime: a.mime,
    size: a.bytes.length, sha256, hasThumbnail: a.thumbnail !== null, uploadedBy: a.uploadedBy, uploaderName: null,
    at: a.at,
  };
}

/** A case's attachments, oldest first, without their bytes. */
export async function listAttachments(db: Executor, caseId: string): Promise<AttachmentMeta[]> {
  const rows = await db.selectFrom('attachments').leftJoin('users', 'users.id', 'attachments.uploaded_by')
    .select(['attachments.id', 'attachments.case_id', 'attachments.event_seq', 'attachments.material_id', 'attachments.filename', 'attachments.mime',
      'attachments.size', 'attachments.sha256', 'attachments.uploaded_by', 'attachments.at', 'users.display_name'])
    .select((eb) => eb('attachments.thumbnail', 'is not', null).as('has_thumbnail'))
    .where('attachments.case_id', '=', caseId).orderBy('attachments.at').orderBy('attachments.id').execute();
  return rows.map((r) => ({
    id: r.id, caseId: r.case_id, eventSeq: r.event_seq, materialId: r.material_id,
    filename: decryptField(dataKeys(), r.filename, sealedAs('filename', r.id)), mime: r.mime as AttachmentMime,
    size: r.size, sha256: r.sha256, hasThumbnail: Boolean(r.has_thumbnail), uploadedBy: r.uploaded_by,
    uploaderName: r.display_name, at: r.at,
  }));
}

/**
 * One attachment with its bytes, only when its case lies inside the jurisdiction `scopePath`;
 * outside it the attachment does not exist.
 */
export async function findAttachment(db: Executor, id: string, scopePath: string): Promise<AttachmentFile | undefined> {
  const r = await db.selectFrom('attachments').innerJoin('cases', 'cases.id', 'attachments.case_id')
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
