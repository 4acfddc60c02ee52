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
