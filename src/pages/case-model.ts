import type { FastifyInstance } from 'fastify';
import { workingDaysLeft } from '../calendar/deadline.ts';
import { findCase } from '../cases/case.repository.ts';
import type { Case } from '../cases/case.types.ts';
import { buildCaseView, type CaseView } from '../cases/case.view.ts';
import { listCaseNotices } from '../cases/notice.repository.ts';
import { RECALL, type JsonSchema, type Localized } from '../definitions/definition.types.ts';
import { stepsInEffect } from '../cases/history-replay.ts';
import { guardSubject, missingMaterials, type CompiledWorkflow } from '../engine/compile.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import { maskIdNumber, maskText } from '../http/mask.ts';
import { listNumbered } from '../notices/notice.repository.ts';
import { findPerson, type Person } from '../persons/person.repository.ts';
import type { User } from '../users/user.repository.ts';
import { answerRows, fieldId } from './form-render.ts';
import { ACTS, label, LEVELS, OUTCOMES, SEX } from './labels.ts';
import { personNames, userNames } from './queries.ts';
import { draftTypes, listAttachments, type AttachmentMeta } from './store.ts';
import { escapeHtml as esc, fmtDateTime, loc, tr } from './view.ts';

export interface LoadedCase {
  c: Case;
  wf: CompiledWorkflow;
  view: CaseView;
  /** Who sent the step in effect (four-eyes steps), read off the view's history. */
  previousActorId: string | null;
  person: Person;
  attachments: AttachmentMeta[];
}

/** A case inside the user's jurisdiction with its definition and view; outside it, 404. */
export async function loadCase(app: FastifyInstance, user: User, id: string, lang: Lang): Promise<LoadedCase> {
  const c = await findCase(app.db, id, user.stationPath);
  if (!c) throw new AppError('NOT_FOUND');
  const wf = (await app.registry.get(app.db, c.workflowId, c.workflowVersion))!;
  const view = await buildCaseView(app.db, app.registry, c, user, { reveal: false, lang });
  const person = (await findPerson(app.db, c.personId, user.stationPath))!;
  const attachments = await listAttachments(app.db, c.id);
  return { c, wf, view, previousActorId: stepsInEffect(view.history).at(-1)?.actor ?? null, person, attachments };
}

export async function stepTitle(app: FastifyInstance, workflowId: string, version: number, state: string, lang: Lang): Promise<string> {
  const wf = await app.registry.get(app.db, workflowId, version);
  return loc(lang, wf?.definition.machine.states[state]?.meta.step) || state;
}

export function materialTitle(wf: CompiledWorkflow, id: string, lang: Lang): string | undefined {
  const m = wf.definition.materials.find((x) => x.id === id);
  return m ? loc(lang, m.title) : undefined;
}

/** Labels for material ids wherever a form lists them (received, missing, supplied). */
export function enumLabelFor(wf: CompiledWorkflow, lang: Lang, counter = false) {
  return (_pointer: string, value: string) => {
    const m = wf.definition.materials.find((x) => x.id === value);
    if (!m) return undefined;
    return loc(lang, m.title) + (counter && m.originalSeen ? tr(lang, '（原件已核）', ' (original seen)') : '');
  };
}

/** Where the case is on the item's steps: done, current, still to come. */
export function stepsOf(wf: CompiledWorkflow, c: Case, view: CaseView, lang: Lang) {
  const visited = new Set(view.history.map((h) => h.to).filter(Boolean));
  const states = Object.entries(wf.definition.machine.states);
  const steps = states.filter(([, s]) => s.type !== 'final').map(([name, s]) => ({
    name, title: loc(lang, s.meta.step), level: s.meta.external ? label(LEVELS, s.meta.level, lang) : label(LEVELS, s.meta.level, lang),
    current: c.status === 'open' && name === c.state, done: name !== c.state && visited.has(name),
  }));
  if (c.status === 'closed') {
    const final = wf.definition.machine.states[c.state];
    steps.push({ name: c.state, title: loc(lang, final?.meta.step) || c.state, level: '', current: true, done: true });
  }
  const index = steps.findIndex((s) => s.current);
  return { steps, position: index + 1, total: steps.length };
}

/** The materials of the current step: required or not (conditions worked out on the data), received, files. */
export function materialsOf(wf: CompiledWorkflow, c: Case, attachments: AttachmentMeta[], lang: Lang, data: Record<string, unknown> = {}) {
  const state = wf.definition.machine.states[c.state];
  const ids = state?.meta.materials ?? [];
  const subject = guardSubject(c.snapshot.context, { type: 'x', data });
  const needed = new Set(missingMaterials(wf, { ...subject, materials: [] }));
  const received = new Set(c.snapshot.context.materials);
  return ids.map((id) => {
    const m = wf.definition.materials.find((x) => x.id === id)!;
    return {
      id, title: loc(lang, m.title), required: needed.has(id), conditional: !m.required && m.condition !== undefined, originalSeen: m.originalSeen === true,
      received: received.has(id), files: attachments.filter((a) => a.materialId === id).map(fileView),
    };
  });
}

/** A file as listed on the page: its name masked like the history's; the link serves it whole. */
export function fileView(a: AttachmentMeta) {
  return { ...a, filename: maskText(a.filename), isImage: a.mime !== 'application/pdf', isPdf: a.mime === 'application/pdf', href: `/attachments/${a.id}`, thumb: `/attachments/${a.id}/thumb` };
}

/** Notices of a case with their print links; `atSeq` picks those a given step issued. */
export async function noticesOf(app: FastifyInstance, caseId: string) {
  const [numbered, all] = [await listNumbered(app.db, caseId), await listCaseNotices(app.db, caseId)];
  const seqOf = new Map(all.map((n) => [n.id, n.eventSeq]));
  return numbered.map((n) => ({
    id: n.id, code: n.code, number: n.number, title: n.title, kind: n.kind, issuedAt: n.issuedAt, eventSeq: seqOf.get(n.id) ?? 0,
    pdf: `/api/v1/notices/${n.code}.pdf`, verifyUrl: (n.data as { verifyUrl?: string }).verifyUrl ?? null,
  }));
}

function eventLabel(wf: CompiledWorkflow, type: string, lang: Lang): string {
  if (ACTS[type]) return label(ACTS, type, lang);
  return loc(lang, wf.definition.events[type]?.label) || type;
}

const TEXT_FIELDS = ['reason', 'note', 'opinion', 'comment', 'text', 'decision', 'conclusion', 'result'];

/** The case history as a timeline people can read: who, what, when, from which step to which, and why. */
export async function timelineOf(app: FastifyInstance, wf: CompiledWorkflow, view: CaseView, attachments: AttachmentMeta[], lang: Lang) {
  const ids = view.history.flatMap((h) => [h.payload.userId].filter((x): x is string => typeof x === 'string'));
  const names = await userNames(app.db, ids);
  const states = wf.definition.machine.states;
  const byId = new Map(attachments.map((a) => [a.id, a]));
  const stepName = (s: string | null) => (s ? loc(lang, states[s]?.meta.step) || s : '');
  const recalled = new Set(view.history.filter((h) => h.type === RECALL).map((h) => Number(h.payload.recalledSeq)));
  return view.history.slice().reverse().map((h) => {
    const details: { label: string; value: string; html?: boolean }[] = [];
    const data = (h.kind === 'machine' ? (h.payload.data as Record<string, unknown> | undefined) : h.payload) ?? {};
    if (h.type === 'START' && h.payload.parentCaseId) details.push({ label: tr(lang, '来源', 'Started by'), value: tr(lang, '由关联事项自动启动', 'another case, automatically') });
    if (h.kind === 'machine' && h.type !== 'START' && h.type !== RECALL) {
      const event = Object.values(states[h.from ?? '']?.meta.events ?? {}).length ? states[h.from ?? '']?.meta.events?.[h.type] : undefined;
      const schema = event?.form ? wf.definition.forms[event.form] as JsonSchema : undefined;
      for (const key of ['missing', 'materials']) {
        if (Array.isArray(data[key]) && (data[key] as unknown[]).length) {
          const titles = (data[key] as string[]).map((m) => materialTitle(wf, m, lang) ?? m).join(lang === 'en' ? ', ' : '、');
          details.push({ label: key === 'missing' ? tr(lang, '需补正材料', 'Materials to supply') : tr(lang, '收到材料', 'Materials received'), value: titles });
        }
      }
      if (typeof data.deadline === 'string') details.push({ label: tr(lang, '补正期限', 'Supply by'), value: data.deadline });
      for (const key of TEXT_FIELDS) {
        if (typeof data[key] === 'string' && data[key]) {
          const prop = (schema?.properties as Record<string, JsonSchema> | undefined)?.[key];
          details.push({ label: prop ? (lang === 'en' ? String(prop['x-title-en'] ?? prop.title) : String(prop.title)) : key, value: String(data[key]) });
        }
      }
    }
    if (h.type === RECALL) {
      details.push({ label: tr(lang, '撤回的步骤', 'Step taken back'), value: `${eventLabel(wf, String(h.payload.recalledType), lang)}（#${String(h.payload.recalledSeq)}）` });
      if (typeof h.payload.reason === 'string') details.push({ label: tr(lang, '原因', 'Reason'), value: h.payload.reason });
    }
    if (h.kind === 'admin') {
      if (typeof h.payload.userId === 'string') details.push({ label: h.type === 'COPY_TO' ? tr(lang, '抄送给', 'Copied to') : tr(lang, '交给', 'Handed to'), value: names.get(h.payload.userId) ?? h.payload.userId });
      for (const key of ['text', 'reason', 'note']) if (typeof h.payload[key] === 'string' && h.payload[key]) details.push({ label: key === 'text' ? tr(lang, '内容', 'Text') : key === 'reason' ? tr(lang, '原因', 'Reason') : tr(lang, '说明', 'Note'), value: String(h.payload[key]) });
      if (h.type === 'ESCALATE') details.push({ label: tr(lang, '升级', 'Escalated'), value: `${label(LEVELS, String(h.payload.fromLevel ?? ''), lang)} → ${label(LEVELS, String(h.payload.toLevel ?? ''), lang)}${h.payload.automatic ? tr(lang, '（超期自动）', ' (automatic, overdue)') : ''}` });
      if (h.type === 'ATTACH' && Array.isArray(h.payload.files)) {
        const links = (h.payload.files as { attachmentId: string; filename: string; materialId: string | null }[]).map((f) => {
          const known = byId.get(f.attachmentId);
          const what = f.materialId ? `${materialTitle(wf, f.materialId, lang) ?? f.materialId}：` : '';
          return known ? `${esc(what)}<a href="/attachments/${esc(f.attachmentId)}">${esc(f.filename)}</a>` : esc(`${what}${f.filename}`);
        });
        details.push({ label: tr(lang, '文件', 'Files'), value: links.join('；'), html: true });
      }
    }
    const moved = h.kind === 'machine' && h.from !== h.to && h.type !== 'START';
    return {
      seq: h.seq, at: h.at, atText: fmtDateTime(h.at), actor: h.actorName ?? (h.actor ? h.actor : tr(lang, '系统', 'System')),
      action: eventLabel(wf, h.type, lang) + (recalled.has(h.seq) ? tr(lang, '（已撤回）', ' (taken back)') : ''), kind: h.kind, system: !h.actor,
      from: moved ? stepName(h.from) : '', to: h.type === 'START' || moved ? stepName(h.to) : '', details,
    };
  });
}

/** The due date, in words: overdue, or working days left. */
export function dueOf(app: FastifyInstance, c: Case, lang: Lang) {
  if (!c.dueAt || c.status !== 'open') return null;
  const now = app.clock.now();
  const overdue = c.dueAt < now;
  const left = overdue ? 0 : workingDaysLeft(now, c.dueAt, app.calendar.current);
  return {
    at: c.dueAt, overdue, left, uncertain: c.dueUncertain,
    text: overdue ? tr(lang, '已超期', 'Overdue') : left <= 1 ? tr(lang, '今明两日到期', 'Due within a day') : tr(lang, `还剩${left}个工作日`, `${left} working days left`),
  };
}

export function personHeader(p: Person, lang: Lang) {
  return { id: p.id, name: p.name, idMasked: maskIdNumber(p.idNumber), sex: label(SEX, p.sex, lang), birthDate: p.birthDate };
}

export function outcomeText(outcome: string | null, lang: Lang): string {
  return label(OUTCOMES, outcome, lang);
}

/** The data the case holds, shown with the titles of the forms that asked for it. */
export function caseDataRows(wf: CompiledWorkflow, data: Record<string, unknown>, lang: Lang) {
  const seen = new Set<string>();
  const rows: { label: string; value: string }[] = [];
  for (const form of Object.values(wf.definition.forms)) {
    const props = Object.keys((form.properties as object | undefined) ?? {}).filter((k) => k in data && !seen.has(k) && k !== 'materials');
    if (!props.length) continue;
    const sub: JsonSchema = { ...form, properties: Object.fromEntries(props.map((k) => [k, (form.properties as Record<string, JsonSchema>)[k]])) };
    for (const r of answerRows(sub, data, lang, { enumLabel: enumLabelFor(wf, lang) })) {
      rows.push({ label: r.label, value: r.value });
    }
    props.forEach((k) => seen.add(k));
  }
  return rows;
}

export async function draftsOf(app: FastifyInstance, caseId: string, userId: string) {
  return draftTypes(app.db, caseId, userId);
}

export { fieldId, personNames };
export type { Localized };
