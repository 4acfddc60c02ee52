import type { FastifyInstance } from 'fastify';
import { workingDaysLeft } from '../calendar/deadline.ts';
import type { FastifyRequest } from 'fastify';
import { caseAtHand, caseNotices, requiredMaterials, type CaseAtHand } from '../cases/case.service.ts';
import type { CaseView } from '../cases/case.view.ts';
import { RECALL, type JsonSchema, type WorkflowDefinition } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { maskIdNumber, maskText } from '../http/mask.ts';
import { answerRows } from './form-answers.ts';
import { titleOf } from './form-schema.ts';
import { ACTS, label, LEVELS, OUTCOMES, SEX, stationName } from './labels.ts';
import { listStations } from '../stations/station.service.ts';
import { userNames } from '../users/user.service.ts';
import { caseAttachments, type AttachmentMeta } from '../attachments/attachment.service.ts';
import { fmtDateTime, loc } from './view.ts';

/** The case a page shows: the service's case at hand and its attachments. */
export interface LoadedCase extends CaseAtHand {
  attachments: AttachmentMeta[];
}

/** A case inside the user's jurisdiction with its definition and view; outside it, 404. */
export async function loadCase(app: FastifyInstance, user: FastifyRequest['user'] & object, id: string, lang: Lang): Promise<LoadedCase> {
  const at = await caseAtHand(app.caseDeps, user, id, lang);
  return { ...at, attachments: await caseAttachments(app.db, at.row.id) };
}

/** The moves the user may make on the case now, as the case view offers them. */
export function movesOf(lc: LoadedCase): NonNullable<CaseView['currentStep']>['allowedEvents'] {
  return lc.view.status === 'open' ? lc.view.currentStep?.allowedEvents ?? [] : [];
}

export async function stepTitle(
  app: FastifyInstance, workflowId: string, version: number, state: string, lang: Lang,
): Promise<string> {
  const wf = await app.registry.get(app.db, workflowId, version);
  return loc(lang, wf?.definition.machine.states[state]?.meta.step) || state;
}

function materialTitle(def: WorkflowDefinition, id: string, lang: Lang): string | undefined {
  const m = def.materials.find((x) => x.id === id);
  return m ? loc(lang, m.title) : undefined;
}

/** Labels for material ids wherever a form lists them (received, missing, supplied). */
export function enumLabelFor(def: WorkflowDefinition, lang: Lang, counter = false) {
  return (_pointer: string, value: string) => {
    const m = def.materials.find((x) => x.id === value);
    if (!m) return undefined;
    return loc(lang, m.title) + (counter && m.originalSeen ? message(lang, 'MATERIAL_ORIGINAL_SEEN') : '');
  };
}

/** Where the case is on the item's steps: done, current, still to come. */
export function stepsOf(def: WorkflowDefinition, c: CaseAtHand['row'], view: CaseView, lang: Lang) {
  const visited = new Set(view.history.map((h) => h.to).filter(Boolean));
  const states = Object.entries(def.machine.states);
  const steps = states.filter(([, s]) => s.type !== 'final').map(([name, s]) => ({
    name, title: loc(lang, s.meta.step), level: label(LEVELS, s.meta.level, lang),
    current: c.status === 'open' && name === c.state, done: name !== c.state && visited.has(name),
  }));
  if (c.status === 'closed') {
    const final = def.machine.states[c.state];
    steps.push({ name: c.state, title: loc(lang, final?.meta.step) || c.state, level: '', current: true, done: true });
  }
  const index = steps.findIndex((s) => s.current);
  return { steps, position: index + 1, total: steps.length };
}

/** The materials of the current step: required or not (conditions worked out on the data), received, files. */
export async function materialsOf(
  app: FastifyInstance, lc: LoadedCase, lang: Lang, data: Record<string, unknown> = {},
) {
  const ids = lc.definition.machine.states[lc.row.state]?.meta.materials ?? [];
  const needed = await requiredMaterials(app.caseDeps, lc, data);
  const received = new Set(lc.row.snapshot.context.materials);
  return ids.map((id) => {
    const m = lc.definition.materials.find((x) => x.id === id)!;
    return {
      id,
      title: loc(lang, m.title),
      required: needed.has(id),
      conditional: !m.required && m.condition !== undefined,
      originalSeen: m.originalSeen === true,
      received: received.has(id), files: lc.attachments.filter((a) => a.materialId === id).map(fileView),
    };
  });
}

/** A file as listed on the page: its name masked like the history's; the link serves it whole. */
export function fileView(a: AttachmentMeta) {
  return { ...a, filename: maskText(a.filename), isImage: a.mime !== 'application/pdf', isPdf: a.mime === 'application/pdf', href: `/attachments/${a.id}`, thumb: `/attachments/${a.id}/thumb` };
}

/** Notices of a case with their print links; `atSeq` picks those a given step issued. */
export async function noticesOf(app: FastifyInstance, caseId: string) {
  return (await caseNotices(app.caseDeps, caseId)).map((n) => ({
    id: n.id, code: n.code, number: n.number, title: n.title, kind: n.kind, issuedAt: n.issuedAt, eventSeq: n.eventSeq,
    pdf: `/api/v1/notices/${n.code}.pdf`, verifyUrl: (n.data as { verifyUrl?: string }).verifyUrl ?? null,
  }));
}

function eventLabel(def: WorkflowDefinition, type: string, lang: Lang): string {
  if (ACTS[type]) return label(ACTS, type, lang);
  return loc(lang, def.events[type]?.label) || type;
}

/** The free-text parts of a history act and how the timeline labels them. */
const ACT_TEXTS = [['text', 'TIMELINE_TEXT'], ['reason', 'TIMELINE_REASON'], ['note', 'TIMELINE_NOTE']] as const;

const TEXT_FIELDS = ['reason', 'note', 'opinion', 'comment', 'text', 'decision', 'conclusion', 'result'];

/** The case history as a timeline people can read: who, what, when, from which step to which, and why. */
/**
 * Who an escalation took the step from and gave it to: "东城镇退役军人服务站 → 区退役军人事务局",
 * "区退役军人事务局 → 区退役军人事务局督办人员"; entries written before the holders were named, by level.
 */
async function escalationNames(app: FastifyInstance, view: CaseView, users: Map<string, string>, lang: Lang) {
  const stations = view.history.some((h) => h.type === 'ESCALATE') ? await listStations(app.db) : [];
  const byPath = new Map(stations.map((s) => [s.path, stationName(s, lang)]));
  const side = (p: Record<string, unknown>, end: 'from' | 'to') => {
    const userId = p[`${end}UserId`];
    if (typeof userId === 'string') return users.get(userId) ?? userId;
    const path = p[`${end}StationPath`];
    const station = typeof path === 'string' ? byPath.get(path) : undefined;
    if (!station) return label(LEVELS, String(p[`${end}Level`] ?? ''), lang);
    return p[`${end}Supervisors`] ? message(lang, 'HOLD_QUEUE_SUPERVISORS', { station }) : station;
  };
  return (p: Record<string, unknown>) => `${side(p, 'from')} → ${side(p, 'to')}`;
}

export async function timelineOf(
  app: FastifyInstance, def: WorkflowDefinition, view: CaseView, attachments: AttachmentMeta[], lang: Lang,
) {
  const ids = view.history.flatMap((h) => [h.payload.userId, h.payload.fromUserId].filter((x): x is string => typeof x === 'string'));
  const names = await userNames(app.db, ids);
  const escalatedAt = await escalationNames(app, view, names, lang);
  const states = def.machine.states;
  const byId = new Map(attachments.map((a) => [a.id, a]));
  const stepName = (s: string | null) => (s ? loc(lang, states[s]?.meta.step) || s : '');
  const recalled = new Set(view.history.filter((h) => h.type === RECALL).map((h) => Number(h.payload.recalledSeq)));
  return view.history.slice().reverse().map((h) => {
    const details: {
      label: string;
      value: string;
      files?: { what: string; href: string | null; filename: string }[];
    }[] = [];
    const data = (h.kind === 'machine' ? (h.payload.data as Record<string, unknown> | undefined) : h.payload) ?? {};
    if (h.type === 'START' && h.payload.parentCaseId) details.push({ label: message(lang, 'TIMELINE_STARTED_BY'), value: message(lang, 'TIMELINE_STARTED_BY_CASE') });
    if (h.kind === 'machine' && h.type !== 'START' && h.type !== RECALL) {
      const event = Object.values(states[h.from ?? '']?.meta.events ?? {}).length ? states[h.from ?? '']?.meta.events?.[h.type] : undefined;
      const schema = event?.form ? def.forms[event.form] : undefined;
      for (const key of ['missing', 'materials']) {
        if (Array.isArray(data[key]) && (data[key] as unknown[]).length) {
          const titles = (data[key] as string[]).map((m) => materialTitle(def, m, lang) ?? m).join(message(lang, 'FORM_LIST_SEPARATOR'));
          details.push({ label: message(lang, key === 'missing' ? 'TIMELINE_MATERIALS_MISSING' : 'TIMELINE_MATERIALS_RECEIVED'), value: titles });
        }
      }
      if (typeof data.deadline === 'string') details.push({ label: message(lang, 'TIMELINE_SUPPLY_BY'), value: data.deadline });
      for (const key of TEXT_FIELDS) {
        if (typeof data[key] === 'string' && data[key]) {
          const prop = schema?.properties?.[key];
          details.push({ label: prop ? titleOf(prop, lang, String(prop.title)) : key, value: String(data[key]) });
        }
      }
    }
    if (h.type === RECALL) {
      details.push({ label: message(lang, 'TIMELINE_STEP_TAKEN_BACK'), value: `${eventLabel(def, String(h.payload.recalledType), lang)}（#${String(h.payload.recalledSeq)}）` });
      if (typeof h.payload.reason === 'string') details.push({ label: message(lang, 'TIMELINE_REASON'), value: h.payload.reason });
    }
    if (h.kind === 'admin') {
      if (typeof h.payload.userId === 'string') details.push({ label: message(lang, h.type === 'COPY_TO' ? 'TIMELINE_COPIED_TO' : 'TIMELINE_HANDED_TO'), value: names.get(h.payload.userId) ?? h.payload.userId });
      for (const [key, name] of ACT_TEXTS) if (typeof h.payload[key] === 'string' && h.payload[key]) details.push({ label: message(lang, name), value: String(h.payload[key]) });
      if (h.type === 'ESCALATE') details.push({ label: message(lang, 'TIMELINE_ESCALATED'), value: `${escalatedAt(h.payload)}${h.payload.automatic ? message(lang, 'TIMELINE_ESCALATED_AUTOMATICALLY') : ''}` });
      if (h.type === 'ATTACH' && Array.isArray(h.payload.files)) {
        const posted = h.payload.files as { attachmentId: string; filename: string; materialId: string | null }[];
        const files = posted.map((f) => ({
          what: f.materialId ? `${materialTitle(def, f.materialId, lang) ?? f.materialId}：` : '',
          href: byId.has(f.attachmentId) ? `/attachments/${f.attachmentId}` : null, filename: f.filename,
        }));
        details.push({ label: message(lang, 'TIMELINE_FILES'), value: '', files });
      }
    }
    const moved = h.kind === 'machine' && h.from !== h.to && h.type !== 'START';
    return {
      seq: h.seq, at: h.at, atText: fmtDateTime(h.at), actor: h.actorName ?? (h.actor ? h.actor : message(lang, 'TIMELINE_SYSTEM')),
      action: eventLabel(def, h.type, lang) + (recalled.has(h.seq) ? message(lang, 'TIMELINE_TAKEN_BACK') : ''), kind: h.kind, system: !h.actor,
      from: moved ? stepName(h.from) : '', to: h.type === 'START' || moved ? stepName(h.to) : '', details,
    };
  });
}

/** The due date, in words: overdue, or working days left. */
export function dueOf(
  app: FastifyInstance, c: { dueAt: Date | null; status: string; dueUncertain: boolean }, lang: Lang,
) {
  if (!c.dueAt || c.status !== 'open') return null;
  const now = app.clock.now();
  const overdue = c.dueAt < now;
  const left = overdue ? 0 : workingDaysLeft(now, c.dueAt, app.calendar.current);
  return {
    at: c.dueAt, overdue, left, uncertain: c.dueUncertain,
    text: overdue ? message(lang, 'DUE_OVERDUE') : left <= 1 ? message(lang, 'DUE_WITHIN_A_DAY') : message(lang, 'DUE_DAYS_LEFT', { left }),
  };
}

export function personHeader(p: CaseAtHand['person'], lang: Lang) {
  return {
    id: p.id, name: p.name, idMasked: maskIdNumber(p.idNumber), sex: label(SEX, p.sex, lang), birthDate: p.birthDate,
  };
}

export function outcomeText(outcome: string | null, lang: Lang): string {
  return label(OUTCOMES, outcome, lang);
}

/** The data the case holds, shown with the titles of the forms that asked for it. */
export function caseDataRows(def: WorkflowDefinition, data: Record<string, unknown>, lang: Lang) {
  const seen = new Set<string>();
  const rows: { label: string; value: string }[] = [];
  for (const form of Object.values(def.forms)) {
    const props = Object.keys(form.properties ?? {}).filter((k) => k in data && !seen.has(k) && k !== 'materials');
    if (!props.length) continue;
    const properties = form.properties ?? {};
    const sub: JsonSchema = { ...form, properties: Object.fromEntries(props.map((k) => [k, properties[k]])) };
    for (const r of answerRows(sub, data, lang, { enumLabel: enumLabelFor(def, lang) })) {
      rows.push({ label: r.label, value: r.value });
    }
    props.forEach((k) => seen.add(k));
  }
  return rows;
}
