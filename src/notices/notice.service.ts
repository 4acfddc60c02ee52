import { createHash, randomBytes } from 'node:crypto';
import { openPayload } from '../crypto/sealed-payload.ts';
import type { Db, Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import type { StoredSnapshot } from '../engine/engine.ts';
import { AppError } from '../http/errors.ts';
import { parseMarkup } from './markup.ts';
import { shanghaiParts } from '../time/shanghai.ts';
import { codeOf, printedNumber } from './notice-format.ts';
import { latenessFields } from './lateness.ts';
import { buildNoticeModel } from './notice-model.ts';
import { renderPdf, type NoticeDocument } from './notice.pdf.ts';
import { insertNotice, savePdf, takeSerial, type StoredNotice } from './notice.repository.ts';
import { lockNewNotice, readNoticeSources } from './notice-sources.repository.ts';
import { noticeRuntime } from './notice.runtime.ts';
import { MissingNoticeField, renderContent } from './notice.templates.ts';

// Reads the routes make as they are; findByCode scopes to the user's area itself.
export { findByCode, listNumbered, personNameOfCase } from './notice.repository.ts';

export interface IssueInput {
  caseId: string;
  eventSeq: number;
  noticeKey: string;
  wf: CompiledWorkflow;
  person: { id: string; name: string };
  snapshot: StoredSnapshot;
  actorId: string | null;
  now: Date;
}

/**
 * A refusal states its reason and the basis relied on; the step
 * must supply them (its remedies come from the definition).
 */
const REFUSAL_NEEDS = ['reason', 'legalBasis'] as const;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level: jsonb does not keep key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The hash that seals what a notice was made from: its number, data and text. */
export function contentHash(n: { number: string; data: Record<string, unknown>; content: string }): string {
  return sha256(canonicalJson({ number: n.number, data: n.data, content: n.content }));
}

function missingField(title: string, field: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    errors: [{ path: `/${field}`, message: `出具《${title}》须填写此项 / the notice "${title}" needs this field` }],
  });
}

/**
 * Issues one notice inside the step's transaction: takes the next number of the district's series
 * for the notice's kind, renders the strict template (a missing field fails the step) and stores the
 * text with the data it was made from. The PDF is made after commit by the render job.
 */
export async function issueNotice(trx: Executor, db: Db, input: IssueInput): Promise<string> {
  const runtime = noticeRuntime(db);
  const def = input.wf.definition;
  const notice = def.notices[input.noticeKey]!;
  const { event, c, district, station, handler, applicant } =
    await readNoticeSources(trx, input.caseId, input.eventSeq, input.actorId);

  const eventData = (openPayload(input.caseId, input.eventSeq, event.payload).data ?? {}) as Record<string, unknown>;
  if (notice.kind === 'refusal') {
    const lacking = REFUSAL_NEEDS.find((f) => typeof eventData[f] !== 'string' || !(eventData[f] as string).trim());
    if (lacking) throw missingField(notice.title.zh, lacking);
  }

  const year = shanghaiParts(input.now).y;
  const series = notice.kind;
  const serial = await takeSerial(trx, district.id, series, year);
  const prefix = runtime.settings.numberPrefix ?? `${[...district.name_zh][0]}退役`;
  const number = printedNumber(prefix, runtime.settings.series[series], year, serial);
  const code = codeOf(series, year, serial);
  const verifyToken = randomBytes(24).toString('base64url');
  const context = input.snapshot.context;
  const row = c as unknown as { timer_at?: Date | null };

  const model = buildNoticeModel({
    definition: def, noticeKey: input.noticeKey, notice,
    event: {
      type: event.type, data: eventData, fromState: event.from_state, toState: event.to_state ?? input.snapshot.value,
    },
    caseData: context.data, materials: context.materials,
    caseNo: c.case_no, appliedAt: c.created_at, dueAt: c.due_at, timerAt: row.timer_at ?? null,
    personName: input.person.name, addressee: applicant ?? input.person.name, station: station.name_zh,
    organ: district.name_zh,
    handler: handler ?? '系统', number, code, verifyUrl: `${runtime.settings.publicBaseUrl}/verify/${verifyToken}`,
    issuedAt: input.now, settings: runtime.settings, lateness: latenessFields(input.wf, context),
  });
  let content: string;
  try {
    content = renderContent(notice.template, model);
  } catch (err) {
    if (err instanceof MissingNoticeField) throw missingField(notice.title.zh, err.field);
    throw err;
  }

  const id = newId(input.now.getTime());
  await insertNotice(trx, {
    id, caseId: input.caseId, eventSeq: input.eventSeq, noticeKey: input.noticeKey, kind: notice.kind,
    title: notice.title.zh, data: model, issuedBy: input.actorId, issuedAt: input.now, districtId: district.id, year,
    series, serial, code, number, template: notice.template, content,
    contentSha256: contentHash({ number, data: model, content }), verifyToken,
  });
  await lockNewNotice(trx, id);
  runtime.afterIssue?.(id);
  return id;
}

/** The renderer's input: the stored notice, and the service's seal. */
export function documentOf(n: StoredNotice, seal: Buffer | undefined): NoticeDocument {
  const d = n.data as { organ: string; issuedDate: string; verifyUrl: string };
  return {
    organ: d.organ, number: n.number, title: n.title, dateText: d.issuedDate, issuedAt: n.issuedAt,
    blocks: parseMarkup(n.content), verifyUrl: d.verifyUrl, seal,
  };
}

/** The PDF of a notice: the stored bytes, or, before the render job has run, made and stored now. */
export async function pdfOf(db: Db, n: StoredNotice, now: Date): Promise<Buffer> {
  if (n.pdf) return n.pdf;
  // Rendering is deterministic: if the job stores its copy first, the bytes are the same.
  const pdf = await renderPdf(documentOf(n, noticeRuntime(db).seal));
  await db.transaction().execute((trx) => savePdf(trx, n.id, pdf, sha256(pdf), now));
  return pdf;
}
