import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';

export interface NoticeRow {
  id: string;
  noticeKey: string;
  kind: string;
  title: string;
  eventSeq: number;
  issuedAt: Date;
}

/** Records that a notice was issued with the data it was made from; the document itself is rendered from this. */
export async function insertNotice(db: Executor, n: { caseId: string; eventSeq: number; noticeKey: string; kind: string; title: string; data: Record<string, unknown>; issuedBy: string | null; now: Date }): Promise<string> {
  const id = newId(n.now.getTime());
  await db.insertInto('notices').values({
    id, case_id: n.caseId, event_seq: n.eventSeq, notice_key: n.noticeKey, kind: n.kind, title: n.title,
    data: JSON.stringify(n.data), issued_by: n.issuedBy, issued_at: n.now,
  }).execute();
  return id;
}

export async function listCaseNotices(db: Executor, caseId: string): Promise<NoticeRow[]> {
  const rows = await db.selectFrom('notices').select(['id', 'notice_key', 'kind', 'title', 'event_seq', 'issued_at'])
    .where('case_id', '=', caseId).orderBy('issued_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, noticeKey: r.notice_key, kind: r.kind, title: r.title, eventSeq: r.event_seq, issuedAt: r.issued_at }));
}
