import { lockCase } from '../cases/case.repository.ts';
import { appendAdminEntry, type CaseDeps } from '../cases/case.service.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import { message } from '../messages/catalogue.ts';
import type { Db } from '../db/database.ts';
import type { User } from '../users/user.repository.ts';
import { findAttachment, insertAttachment, listAttachments, type AttachmentFile, type AttachmentMeta } from './attachment.repository.ts';
import { cleanFilename, MAX_ATTACHMENT_BYTES, MAX_THUMBNAIL_BYTES, sniffMime, wholeFileType } from './file-check.ts';
import { keepsRule, ruleRefusal } from './file-rule.ts';

export type { AttachmentFile, AttachmentMeta };

export interface Upload {
  /** The form field it came in (for error messages beside it). */
  field: string;
  materialId: string | null;
  filename: string;
  bytes: Buffer;
  /** The upload was cut at the size limit. */
  truncated: boolean;
  thumbnail?: Buffer | null;
}

export interface UploadProblem {
  field: string;
  message: string;
}

/**
 * Checks uploads (size, whole PDF/JPEG/PNG files: ./file-check.ts; the rule the material's definition
 * states: ./file-rule.ts) and records the good ones with the case: the bytes go into `attachments`
 * and one ATTACH entry goes into the case history, in one transaction under the case lock. A refused
 * file leaves nothing behind. Returns what was stored and what was refused, and the case version after.
 */
export async function attachFiles(
  deps: CaseDeps, user: User, caseId: string, uploads: Upload[], lang: Lang,
): Promise<{ attached: AttachmentMeta[]; problems: UploadProblem[]; version: number | null }> {
  if (user.role !== 'clerk' && user.role !== 'admin') throw new AppError('FORBIDDEN');
  const problems: UploadProblem[] = [];
  const good: (Upload & { mime: NonNullable<ReturnType<typeof sniffMime>> })[] = [];
  for (const u of uploads) {
    const filename = cleanFilename(u.filename);
    if (u.truncated || u.bytes.length > MAX_ATTACHMENT_BYTES) problems.push({ field: u.field, message: message(lang, 'UPLOAD_TOO_LARGE', { f: filename }) });
    else if (u.bytes.length === 0) problems.push({ field: u.field, message: message(lang, 'UPLOAD_EMPTY', { f: filename }) });
    else {
      const mime = wholeFileType(u.bytes);
      if (!mime) problems.push({ field: u.field, message: message(lang, 'UPLOAD_BAD_TYPE', { f: filename }) });
      else {
        // A thumbnail is only a convenience: kept when it is a small JPEG or PNG, dropped otherwise.
        const thumb = u.thumbnail && u.thumbnail.length <= MAX_THUMBNAIL_BYTES && ['image/jpeg', 'image/png'].includes(sniffMime(u.thumbnail) ?? '') ? u.thumbnail : null;
        good.push({ ...u, filename, mime, thumbnail: thumb });
      }
    }
  }
  if (good.length === 0) return { attached: [], problems, version: null };
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, caseId, user.stationPath);
    if (!c) throw new AppError('NOT_FOUND');
    if (c.status !== 'open') throw new AppError('CASE_CLOSED');
    // The rule of the definition version the case runs on, read under the lock.
    const wf = await deps.registry.get(trx, c.workflowId, c.workflowVersion);
    const kept = good.filter((g) => {
      const material = wf?.definition.materials.find((m) => m.id === g.materialId);
      if (!material?.file || keepsRule(material.file, g.mime, g.bytes.length)) return true;
      const file = { material: material.title[lang], filename: g.filename, mime: g.mime, bytes: g.bytes.length };
      problems.push({ field: g.field, message: ruleRefusal(material.file, file, lang) });
      return false;
    });
    if (kept.length === 0) return { attached: [], problems, version: null };
    const seq = c.version + 1;
    const attached: AttachmentMeta[] = [];
    for (const g of kept) {
      attached.push(await insertAttachment(trx, {
        caseId, eventSeq: seq, materialId: g.materialId, filename: g.filename, mime: g.mime, bytes: g.bytes,
        thumbnail: g.thumbnail ?? null, uploadedBy: user.id, at: now,
      }));
    }
    await appendAdminEntry(trx, c, {
      type: 'ATTACH', actorId: user.id,
      payload: {
        files: attached.map((a) => ({
          attachmentId: a.id, materialId: a.materialId, filename: a.filename,
          mime: a.mime, size: a.size, sha256: a.sha256,
        })),
      },
    }, now);
    return { attached, problems, version: seq };
  });
}

/** A case's attachments, oldest first, without their bytes. */
export async function caseAttachments(db: Db, caseId: string): Promise<AttachmentMeta[]> {
  return listAttachments(db, caseId);
}

/** An attachment with its bytes when its case lies inside the user's jurisdiction; outside it, none. */
export async function attachmentFor(db: Db, user: User, id: string): Promise<AttachmentFile | undefined> {
  return findAttachment(db, id, user.stationPath);
}
