import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { withinArea } from '../jurisdiction/within-area.ts';

export interface StoredNotice {
  id: string;
  caseId: string;
  noticeKey: string;
  kind: string;
  title: string;
  code: string;
  number: string;
  template: string;
  content: string;
  contentSha256: string;
  data: Record<string, unknown>;
  verifyToken: string;
  issuedAt: Date;
  districtId: string;
  stationPath: string;
  pdf: Buffer | null;
  sha256: string | null;
}

/**
 * Takes the next number of a district's series (a notice kind) in a year. The counter row stays
 * locked until the step's transaction ends, so concurrent steps of one series queue here, and a
 * rolled-back step gives its number back: numbers have no gaps.
 */
export async function takeSerial(trx: Executor, districtId: string, series: string, year: number): Promise<number> {
  const r = await sql<{ last_serial: number }>`
    insert into notice_counters (district_id, series, year, last_serial) values (${districtId}, ${series}, ${year}, 1)
    on conflict (district_id, series, year) do update set last_serial = notice_counters.last_serial + 1
    returning last_serial`.execute(trx);
  return r.rows[0]!.last_serial;
}

export interface NewNotice {
  id: string;
  caseId: string;
  eventSeq: number;
  noticeKey: string;
  kind: string;
  title: string;
  data: Record<string, unknown>;
  issuedBy: string | null;
  issuedAt: Date;
  districtId: string;
  year: number;
  series: string;
  serial: number;
  code: string;
  number: string;
  template: string;
  content: string;
  contentSha256: string;
  verifyToken: string;
}

export async function insertNotice(trx: Executor, n: NewNotice): Promise<void> {
  await trx.insertInto('notices').values({
    id: n.id, case_id: n.caseId, event_seq: n.eventSeq, notice_key: n.noticeKey, kind: n.kind, title: n.title,
    data: JSON.stringify(n.data), issued_by: n.issuedBy, issued_at: n.issuedAt, district_id: n.districtId, year: n.year,
    series: n.series, serial: n.serial, code: n.code, number: n.number, template: n.template, content: n.content,
    content_sha256: n.contentSha256, verify_token: n.verifyToken,
  }).execute();
}

function base(db: Executor) {
  return db.selectFrom('notices').innerJoin('cases', 'cases.id', 'notices.case_id')
    .select(['notices.id', 'notices.case_id', 'notices.notice_key', 'notices.kind', 'notices.title', 'notices.code', 'notices.number',
      'notices.template', 'notices.content', 'notices.content_sha256', 'notices.data', 'notices.verify_token', 'notices.issued_at',
      'notices.district_id', 'cases.station_path'])
    .where('notices.number', 'is not', null);
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function toNotice(
  r: Row, pdf: { pdf: Buffer | null; sha256: string | null } = { pdf: null, sha256: null },
): StoredNotice {
  return {
    id: r.id, caseId: r.case_id, noticeKey: r.notice_key, kind: r.kind, title: r.title, code: r.code!,
    number: r.number!, template: r.template!, content: r.content!, contentSha256: r.content_sha256!,
    data: r.data as unknown as Record<string, unknown>, verifyToken: r.verify_token!, issuedAt: r.issued_at,
    districtId: r.district_id!, stationPath: r.station_path, ...pdf,
  };
}

/** A case's numbered notices, in the order they were issued (each series numbers apart, so not by serial). */
export async function listNumbered(db: Executor, caseId: string): Promise<StoredNotice[]> {
  const rows = await base(db).where('notices.case_id', '=', caseId).orderBy('notices.event_seq').orderBy('notices.id').execute();
  return rows.map((r) => toNotice(r));
}

/** A notice by its code inside a jurisdiction; outside it, the notice does not exist. */
export async function findByCode(
  db: Executor, code: string, scopePath: string, withPdf: boolean,
): Promise<StoredNotice | undefined> {
  const r = await base(db).select(['notices.pdf', 'notices.sha256']).where('notices.code', '=', code).where(withinArea('cases.station_path', scopePath))
    .orderBy('notices.district_id').executeTakeFirst();
  return r && toNotice(r, withPdf ? { pdf: r.pdf, sha256: r.sha256 } : { pdf: null, sha256: r.sha256 });
}

export async function findByToken(db: Executor, token: string): Promise<StoredNotice | undefined> {
  const r = await base(db).select(['notices.pdf', 'notices.sha256']).where('notices.verify_token', '=', token).executeTakeFirst();
  return r && toNotice(r, { pdf: r.pdf, sha256: r.sha256 });
}

export async function findById(db: Executor, id: string): Promise<StoredNotice | undefined> {
  const r = await base(db).select(['notices.pdf', 'notices.sha256']).where('notices.id', '=', id).executeTakeFirst();
  return r && toNotice(r, { pdf: r.pdf, sha256: r.sha256 });
}

/** Stores the PDF of a notice that has none yet; a second writer of the same bytes changes nothing. */
export async function savePdf(db: Executor, id: string, pdf: Buffer, sha256: string, now: Date): Promise<void> {
  await db.updateTable('notices').set({ pdf, sha256, rendered_at: now, render_error: null })
    .where('id', '=', id).where('pdf', 'is', null).execute();
}

export async function recordRenderFailure(db: Executor, id: string, message: string): Promise<void> {
  await db.updateTable('notices').set((eb) => ({ render_attempts: eb('render_attempts', '+', 1), render_error: message.slice(0, 1000) }))
    .where('id', '=', id).where('pdf', 'is', null).execute();
}

/** Notices still without a PDF, those tried least first. */
export async function pendingIds(db: Executor, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('notices').select('id').where('pdf', 'is', null).where('number', 'is not', null)
    .orderBy('render_attempts').orderBy('issued_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** The name of the person a case is about: the file name a notice is saved under carries it. */
export async function personNameOfCase(db: Executor, caseId: string): Promise<string | undefined> {
  const r = await db.selectFrom('cases').innerJoin('persons', 'persons.id', 'cases.person_id').select('persons.name')
    .where('cases.id', '=', caseId).executeTakeFirst();
  return r?.name;
}
