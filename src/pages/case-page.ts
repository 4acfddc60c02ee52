/**
 * The two pages a case is shown on: the case itself, and a step's form (with its errors, conflicts,
 * a restored draft).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimedAt } from '../cases/claim.ts';
import { findDraft, type Draft } from '../drafts/draft.service.ts';
import { RECALL, type FormSection } from '../definitions/definition.types.ts';
import { sectionsOf } from '../definitions/form-sections.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { can } from '../jurisdiction/authorize.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import {
  caseDataRows, caseHeading, dueOf, fileView, loadCase, materialsOf, movesOf, noticesOf, outcomeText, personHeader,
  stepsOf, timelineOf, type LoadedCase,
} from './case-model.ts';
import { eventInfo, initialData, isCounter, moveKind, stepFormHtml, stepProblems, uploadsHtml, type EventInfo } from './case-step-form.ts';
import { errorList } from './form-errors.ts';
import type { Errors } from './form-schema.ts';
import { sectionSchema, sectionViews, taskListErrors } from './form-sections.ts';
import { label, LEVELS, ROLES } from './labels.ts';
import { usersAbove } from '../jurisdiction/area-users.service.ts';
import { stepTakers } from '../cases/step-takers.service.ts';
import { heldByUser, holderName } from '../cases/case-holder.ts';
import { fmtDateTime, loc } from './view.ts';
import { pageLang, sendPage } from './web.ts';

export interface CasePages {
  app: FastifyInstance;
}

/** The words at the top of the case page after a history act. */
function actedText(acted: string, lang: Lang): string {
  if (acted === RECALL) return message(lang, 'RECALL_DONE');
  if (acted === 'CLAIM' || acted === 'RELEASE') return message(lang, `QUEUE_DONE_${acted}`);
  const key = `ACT_DONE_${acted}`;
  return message(lang, ['COMMENT', 'REASSIGN', 'COPY_TO', 'URGE'].includes(acted) ? key as MessageKey : 'ACT_DONE');
}

/** The step whose form the case page shows: the one with the state's form, else the first forward move. */
function primaryEvent(lc: LoadedCase) {
  const events = movesOf(lc);
  const stateEvents = lc.definition.machine.states[lc.row.state]?.meta.events ?? {};
  const stateForm = Object.values(stateEvents).find((x) => x.form)?.form;
  return events.find((e) => e.formId && e.formId === stateForm) ?? events.find((e) => moveKind(e.type) === 'main');
}

async function primaryForm(p: CasePages, lc: LoadedCase, user: FastifyRequest['user'] & object, lang: Lang, counter: boolean) {
  const first = primaryEvent(lc);
  if (!first) return undefined;
  const info = eventInfo(lc, first.type)!;
  const draft = await findDraft(p.app.db, lc.row.id, user.id, info.event.type);
  const data = draft ? draft.data : initialData(lc, info.schema);
  const sections = sectionsOf(info.schema);
  // A long form is not drawn here: its task list leads to one page per section.
  const html = sections ? { fields: '', uploads: '' } : stepFormHtml(lc, info, data, new Map(), lang, counter);
  return {
    type: info.event.type, label: loc(lang, info.event.label), action: `/cases/${lc.row.id}/act/${info.event.type}`, fields: html.fields, uploads: html.uploads,
    tasks: sections && await tasksOf(p, user, lc, info, sections, data, lang),
    version: lc.row.version,
    draftVersion: draft?.version ?? 0,
    draftSavedAt: draft ? fmtDateTime(draft.updatedAt) : null,
    hasForm: Boolean(info.formId),
  };
}

/** The case at its current step: progress, due date, materials, the step's form, other moves, notices, history. */
export async function casePage(
  p: CasePages, req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200,
): Promise<FastifyReply> {
  const { app } = p;
  const lang = pageLang(req);
  const user = req.user!;
  const lc = await loadCase(app, user, id, lang);
  const c = lc.row;
  const notices = await noticesOf(app, c.id);
  const query = req.query as { done?: string; saved?: string; acted?: string; uploaded?: string };
  const doneSeq = decimalInteger(query.done);
  const doneEntry = doneSeq !== undefined ? lc.view.history.find((h) => h.seq === doneSeq) : undefined;
  const primary = await primaryForm(p, lc, user, lang, isCounter(req));
  const others = movesOf(lc).filter((e) => e.type !== primary?.type).map((e) => ({ type: e.type, label: loc(lang, e.label), href: `/cases/${c.id}/act/${e.type}`, kind: moveKind(e.type) }));
  const holders = c.status === 'open' ? (await usersAbove(app.db, c.stationPath)).filter((u) => u.id !== user.id) : [];
  const takers = c.status === 'open' && can(user, 'case.reassign')
    ? (await stepTakers(app.db, { case: c, definition: lc.definition })).filter((u) => u.id !== c.assigneeId) : [];
  const { steps, position, total } = stepsOf(lc.definition, c, lc.view, lang);
  const state = lc.definition.machine.states[c.state];
  const holder = lc.view.holder;
  const moves = Boolean(primary || others.length);
  return sendPage(req, reply, 'case', `${c.caseNo} · ${loc(lang, lc.definition.title)} · ${lc.person.name}`, {
    case: {
      ...caseHeading(lc, lang), open: c.status === 'open', version: c.version,
      stateTitle: loc(lang, state?.meta.step) || c.state,
      level: label(LEVELS, state?.meta.level, lang),
      external: state?.meta.external === true,
      outcome: outcomeText(c.outcome, lang), createdAt: c.createdAt, parentCaseId: c.parentCaseId,
      holder: holder && { name: holderName(holder, lang), person: holder.kind === 'person' },
      escalatedTo: c.escalatedTo ? (holder?.kind === 'queue' ? holderName(holder, lang) : label(LEVELS, c.escalatedTo, lang)) : null,
    },
    person: personHeader(lc.person, lang),
    steps, position, total,
    due: dueOf(app, c, lang),
    materials: await materialsOf(app, lc, lang),
    files: lc.attachments.map(fileView),
    notices,
    justDone: doneEntry && {
      label: loc(lang, lc.definition.events[doneEntry.type]?.label) || doneEntry.type,
      notices: notices.filter((n) => n.eventSeq === doneEntry.seq),
      receipt: notices.some((n) => n.eventSeq === doneEntry.seq && n.kind === 'receipt'),
    },
    saved: query.saved ? true : undefined,
    uploaded: decimalInteger(query.uploaded, 1),
    acted: query.acted ? actedText(query.acted, lang) : undefined,
    recall: lc.view.recall && { label: loc(lang, lc.view.recall.label) },
    claim: claimOf(lc, lang),
    primary, others, hasMoves: moves,
    heldElsewhere: !moves && holder && !heldByUser(holder, user) ? message(lang, 'HOLD_HELD_BY', { holder: holderName(holder, lang) }) : null,
    uploadOnly: c.status === 'open' && can(user, 'attachment.upload') && !primary,
    uploadsHtml: uploadsHtml(lc, lang),
    timeline: await timelineOf(app, lc.definition, lc.view, lc.attachments, lang),
    dataRows: caseDataRows(lc.definition, lc.view.data, lang),
    canReassign: can(user, 'case.reassign'), canUrge: can(user, 'case.urge'),
    holders: holders.map((h) => ({ ...h, roleText: label(ROLES, h.role, lang) })),
    takers: takers.map((h) => ({ ...h, roleText: label(ROLES, h.role, lang) })),
    receiptHref: `/cases/${c.id}/receipt`,
    ...extra,
  }, status);
}

/** 认领 on the case page: who claimed the step and when (shown to everyone), and the user's claim or release button. */
function claimOf(lc: LoadedCase, lang: Lang) {
  const claim = lc.view.claim;
  if (!claim) return undefined;
  const by = claim.claimedBy;
  return {
    by: by && message(lang, 'QUEUE_CLAIMED_BY', { name: by.name ?? by.userId, at: claimedAt(new Date(by.at), lang) }),
    mayClaim: claim.mayClaim, mayRelease: claim.mayRelease,
  };
}

export interface FormState {
  data: Record<string, unknown>;
  errors: Errors;
  version: number;
  draftVersion: number;
  banner?: string;
  conflict?: string;
  restored?: Draft;
  /** A long form's task list says why the step cannot go on yet (sections not done). */
  incomplete?: boolean;
}

/**
 * A step's form on a page of its own (other moves, and every form shown again with its errors); a long
 * form's task list instead.
 */
export async function formPage(
  p: CasePages, req: FastifyRequest, reply: FastifyReply, lc: LoadedCase, info: EventInfo, state: FormState,
  status = 200,
): Promise<FastifyReply> {
  const sections = sectionsOf(info.schema);
  if (sections) return taskListPage(p, req, reply, lc, info, sections, state, status);
  const lang = pageLang(req);
  const html = stepFormHtml(lc, info, state.data, state.errors, lang, isCounter(req));
  return sendPage(req, reply, 'step', `${loc(lang, info.event.label)} · ${lc.person.name}`, {
    ...await stepPageBase(p, lc, lang, state.data),
    form: {
      type: info.event.type, label: loc(lang, info.event.label), kind: moveKind(info.event.type), action: `/cases/${lc.row.id}/act/${info.event.type}`,
      fields: html.fields, uploads: html.uploads, version: state.version, draftVersion: state.draftVersion,
      hasForm: Boolean(info.formId),
    },
    errorSummary: errorList(info.schema, state.errors, lang, `/cases/${lc.row.id}#materials`), banner: state.banner, conflict: state.conflict,
    restored: state.restored && fmtDateTime(state.restored.updatedAt),
  }, status);
}

/** What the pages of a step and the case page need of a step's task list: where each section stands. */
async function tasksOf(
  p: CasePages, user: FastifyRequest['user'] & object, lc: LoadedCase, info: EventInfo, sections: FormSection[],
  data: Record<string, unknown>, lang: Lang, problems?: Errors,
) {
  const found = problems ?? await stepProblems(p.app, user, lc, info, data, lang);
  const views = sectionViews(sections, data, found, lc.row.id, info.event.type, lang);
  const done = views.filter((v) => v.status === 'done').length;
  return {
    sections: views, problems: found, action: `/cases/${lc.row.id}/act/${info.event.type}/sections`, version: lc.row.version,
    progress: message(lang, 'TASKLIST_PROGRESS', { done, total: views.length }), kind: moveKind(info.event.type),
  };
}

/** The shared head of a step's pages: the case, the person, where the case stands. */
async function stepPageBase(p: CasePages, lc: LoadedCase, lang: Lang, data: Record<string, unknown>) {
  const { steps, position, total } = stepsOf(lc.definition, lc.row, lc.view, lang);
  return {
    case: caseHeading(lc, lang),
    person: personHeader(lc.person, lang), steps, position, total, due: dueOf(p.app, lc.row, lang),
    materials: await materialsOf(p.app, lc, lang, data),
  };
}

/**
 * A long form's task list (GOV.UK "task list"): each section with its status, linked to its page,
 * and the way on to check-your-answers. Problems a caller found (a refused step) count with those
 * the engine finds in the draft now.
 */
async function taskListPage(
  p: CasePages, req: FastifyRequest, reply: FastifyReply, lc: LoadedCase, info: EventInfo, sections: FormSection[],
  state: FormState, status: number,
): Promise<FastifyReply> {
  const lang = pageLang(req);
  const problems = await stepProblems(p.app, req.user!, lc, info, state.data, lang);
  for (const [pointer, texts] of state.errors) if (!problems.has(pointer)) problems.set(pointer, texts);
  const tasks = await tasksOf(p, req.user!, lc, info, sections, state.data, lang, problems);
  const tell = state.incomplete || state.errors.size > 0;
  return sendPage(req, reply, 'tasklist', `${loc(lang, info.event.label)} · ${lc.person.name}`, {
    ...await stepPageBase(p, lc, lang, state.data),
    form: { type: info.event.type, label: loc(lang, info.event.label), kind: moveKind(info.event.type) },
    tasks: { ...tasks, version: state.version },
    errorSummary: tell ? taskListErrors(info.schema, sections, tasks.sections, problems, lang) : [],
    banner: state.banner, conflict: state.conflict,
  }, status);
}

/**
 * One section of a long form on its page (GOV.UK "question pages"): its fields, the file boxes where
 * the section holds the materials (or, without a materials field, on the last section), its own errors.
 */
export async function sectionPage(
  p: CasePages, req: FastifyRequest, reply: FastifyReply, lc: LoadedCase, info: EventInfo, n: number, state: FormState,
  status = 200,
): Promise<FastifyReply> {
  const lang = pageLang(req);
  const sections = sectionsOf(info.schema)!;
  const section = sections[n - 1]!;
  const schema = sectionSchema(info.schema, section);
  const html = stepFormHtml(lc, { ...info, schema }, state.data, state.errors, lang, isCounter(req));
  const listsMaterials = sections.some((s) => s.fields.includes('materials'));
  const holdsUploads = listsMaterials ? section.fields.includes('materials') : n === sections.length;
  const taskList = `/cases/${lc.row.id}/act/${info.event.type}`;
  return sendPage(req, reply, 'step', `${loc(lang, section.title)} · ${loc(lang, info.event.label)} · ${lc.person.name}`, {
    ...await stepPageBase(p, lc, lang, state.data),
    form: {
      type: info.event.type, label: loc(lang, info.event.label), kind: moveKind(info.event.type), action: `${taskList}/section/${n}`,
      fields: html.fields, uploads: holdsUploads ? html.uploads : '', version: state.version, draftVersion: state.draftVersion, hasForm: true,
      section: { title: loc(lang, section.title), of: message(lang, 'TASKLIST_SECTION_OF', { n, total: sections.length }), taskList },
    },
    errorSummary: errorList(schema, state.errors, lang), banner: state.banner, conflict: state.conflict,
  }, status);
}
