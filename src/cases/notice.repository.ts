import type { Executor } from '../db/database.ts';

export interface NoticeRow {
  id: string;
  noticeKey: string;
  kind: string;
  title: string;
  eventSeq: number;
  issuedAt: Date;
}

/** A case's notices for the case view; issuing, numbering and documents live in src/notices/. */
export async function listCaseNotices(db: Executor, caseId: string): Promise<NoticeRow[]> {
  const rows = await db.selectFrom('notices').select(['id', 'notice_key', 'kind', 'title', 'event_seq', 'issued_at'])
    .where('case_id', '=', caseId).orderBy('issued_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, noticeKey: r.notice_key, kind: r.kind, title: r.title, eventSeq: r.event_seq, issuedAt: r.issued_at,
  }));
}

/** The notices one step issued (its history entry `seq`), for the step's answer. */
export async function stepNotices(db: Executor, caseId: string, seq: number): Promise<Pick<NoticeRow, 'id' | 'noticeKey' | 'kind' | 'title'>[]> {
  const rows = await db.selectFrom('notices').select(['id', 'notice_key', 'kind', 'title'])
    .where('case_id', '=', caseId).where('event_seq', '=', seq).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, noticeKey: r.notice_key, kind: r.kind, title: r.title }));
}
