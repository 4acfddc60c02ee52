import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import qrcode from 'qrcode-generator';
import { sendEvent } from '../cases/case.service.ts';
import { actorOf } from '../cases/actor.ts';
import { RECALL, type JsonSchema } from '../definitions/definition.types.ts';
import { allowedEvents, step, type AllowedEvent } from '../engine/engine.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { AppError, errorStatus, errorText } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import { attachFiles, attachmentFor, type Upload } from '../attachments/attachment.service.ts';
import { deleteDraft, findDraft, saveDraft, type Draft } from '../drafts/draft.service.ts';
import {
  caseDataRows, dueOf, enumLabelFor, fileView, loadCase, materialsOf, noticesOf, outcomeText, personHeader, stepsOf, timelineOf, type LoadedCase,
} from './case-model.ts';
import { answerRows, applyGroupAction, errorList, parseForm, renderForm, schemaAt, titleOf, withoutRaw, type Errors } from './form-render.ts';
import { label, LEVELS, ROLES } from './labels.ts';
import { usersAbove } from './queries.ts';
import { escapeHtml as esc, fmtDateTime, loc, tr } from './view.ts';
import { COUNTER_COOKIE, pageLang, posted, see, sendPage, type PageOptions, type PostedForm } from './web.ts';

type IdParams = { id: string };
type ActParams = { id: string; type: string };

const EMPTY_FORM: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };
/** Keys of a draft that are the page's own, not the step's data. */
const RESERVED = /^\$/;

function cleanData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !RESERVED.test(k)));
}

function addError(errors: Errors, pointer: string, message: string): void {
  errors.set(pointer, [...(errors.get(pointer) ?? []), message]);
}

/** The service's field errors, with plainer words where the generic text says little. */
function mergeServiceErrors(errors: Errors, schema: JsonSchema, list: { path: string; message: string }[], lang: Lang): void {
  for (const e of list) {
    const s = e.path ? schemaAt(schema, e.path) : undefined;
    let message = e.message;
    if (s && s.const === true && !s['x-error']) message = tr(lang, `请勾选「${titleOf(s, lang, '')}」`, `Tick "${titleOf(s, lang, '')}"`);
    if (errors.has(e.path) && e.path) continue; // already explained while reading the form
    addError(errors, e.path, message);
  }
}

function isCounter(req: FastifyRequest): boolean {
  return req.cookies?.[COUNTER_COOKIE] === '1';
}

interface EventInfo {
  event: AllowedEvent;
  formId: string | undefined;
  schema: JsonSchema;
}

function allowed(lc: LoadedCase, req: FastifyRequest): AllowedEvent[] {
  return allowedEvents(lc.wf, lc.c.snapshot, actorOf(req.user!), lc.previousActorId);
}

function eventInfo(lc: LoadedCase, events: AllowedEvent[], type: string): EventInfo | undefined {
  const event = events.find((e) => e.type === type);
  if (!event) return undefined;
  return { event, formId: event.form, schema: event.form ? (lc.wf.definition.forms[event.form] as JsonSchema) : EMPTY_FORM };
}

/** What kind of move an event is, for the button's look and the words around it. */
function moveKind(type: string): 'return' | 'refuse' | 'withdraw' | 'sendback' | 'main' {
  if (type === 'RETURN') return 'return';
  if (type === 'SEND_BACK') return 'sendback';
  if (type === 'WITHDRAW') return 'withdraw';
  if (/^(REFUSE|NOT_ACCEPT|RECORD_REFUSAL|REVOKE)$/.test(type)) return 'refuse';
  return 'main';
}

/** The data a step's form starts with: the case's answers for its fields (materials are ticked afresh). */
function initialData(lc: LoadedCase, schema: JsonSchema): Record<string, unknown> {
  const data = lc.c.snapshot.context.data;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys((schema.properties as object | undefined) ?? {})) if (key !== 'materials' && data[key] !== undefined) out[key] = structuredClone(data[key]);
  return out;
}

function uploadInput(id: string, name: string, lang: Lang, text: string, hidden = '', hint = false): string {
  return `<div class="upload"><label class="file-label" for="${id}">${esc(text)}${hidden ? `<span class="visually-hidden">${esc(hidden)}</span>` : ''}</label>`
    + `<input type="file" id="${id}" name="${name}" accept="application/pdf,image/jpeg,image/png" multiple data-max-bytes="${10 * 1024 * 1024}"${hint ? ` aria-describedby="${id}-hint"` : ''}>`
    + (hint ? `<p class="hint" id="${id}-hint">${esc(UPLOAD_HINT[lang])}</p>` : '') + '</div>';
}

const UPLOAD_HINT = { zh: 'PDF、JPG或PNG，每个文件不超过10MB；可用手机拍照', en: 'PDF, JPG or PNG, 10 MB per file at most; phone photos are fine' };

function thumbsHtml(files: ReturnType<typeof fileView>[], lang: Lang): string {
  if (!files.length) return '';
  return `<ul class="thumbs">${files.map((f) => `<li><a href="${f.href}" target="_blank" rel="noopener">${f.isPdf
    ? `<span class="pdf-icon" aria-hidden="true">PDF</span>`
    : `<img src="${f.thumb}" alt="" loading="lazy" width="72" height="72">`}<span class="thumb-name">${esc(f.filename)}<span class="visually-hidden">${esc(tr(lang, '（在新窗口打开）', ' (opens in a new window)'))}</span></span></a></li>`).join('')}</ul>`;
}

/** The form of a step, with the materials checklist (ticks, files, upload) where the form lists materials. */
function stepFormHtml(lc: LoadedCase, info: EventInfo, data: Record<string, unknown>, errors: Errors, lang: Lang, counter: boolean): { fields: string; uploads: string } {
  const files = lc.attachments.map(fileView);
  const received = new Set(lc.c.snapshot.context.materials);
  const stateMaterials = lc.wf.definition.machine.states[lc.c.state]?.meta.materials ?? [];
  const materialsField = info.schema.properties && (info.schema.properties as Record<string, JsonSchema>).materials;
  // The checklist says once how files are taken; each material then has its own file box.
  const schema = materialsField
    ? { ...info.schema, properties: { ...(info.schema.properties as object), materials: { ...materialsField, description: tr(lang, `勾选本次收到的材料${counter ? '（勾选即表示已核对原件）' : ''}；每项可附扫描件或照片（${UPLOAD_HINT.zh}）`, `Tick the materials received${counter ? ' (ticking means you saw the original)' : ''}; each can have scans or photos (${UPLOAD_HINT.en})`) } } }
    : info.schema;
  const fields = renderForm(schema, data, {
    lang, errors,
    enumLabel: enumLabelFor(lc.wf, lang, counter),
    afterOption: (pointer, value) => {
      if (pointer !== '/materials' || !lc.wf.definition.materials.some((m) => m.id === value)) return '';
      const mine = files.filter((f) => f.materialId === value);
      const before = received.has(value) ? `<span class="tag tag-ok">${esc(tr(lang, '此前已收', 'received earlier'))}</span>` : '';
      const title = loc(lang, lc.wf.definition.materials.find((m) => m.id === value)!.title);
      return `${before}<div class="material-files">${thumbsHtml(mine, lang)}${uploadInput(`up-${value}`, `file.${value}`, lang, tr(lang, '扫描件或照片：', 'Scan or photo: '), tr(lang, `「${title}」`, `"${title}"`))}</div>`;
    },
  });
  // Steps that check materials without listing them in the form still take their files here.
  let uploads = '';
  if (!materialsField && stateMaterials.length) {
    uploads = stateMaterials.map((id) => {
      const m = lc.wf.definition.materials.find((x) => x.id === id)!;
      return `<div class="material-row"><p class="material-title">${esc(loc(lang, m.title))}${received.has(id) ? ` <span class="tag tag-ok">${esc(tr(lang, '已收', 'received'))}</span>` : ''}</p>${thumbsHtml(files.filter((f) => f.materialId === id), lang)}${uploadInput(`up-${id}`, `file.${id}`, lang, tr(lang, '扫描件或照片：', 'Scan or photo: '), tr(lang, `「${loc(lang, m.title)}」`, `"${loc(lang, m.title)}"`))}</div>`;
    }).join('');
  }
  uploads += uploadInput('up-other', 'file._other', lang, tr(lang, '其他材料（可选）：', 'Other papers (optional): '), '', true);
  return { fields, uploads };
}

/** A thumbnail the page's script made (a data: URL in `_thumb.<field>`, one per file, in order). */
function thumbOf(dataUrl: string | undefined): Buffer | null {
  const m = /^data:image\/(jpeg|png);base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl ?? '');
  return m ? Buffer.from(m[2]!, 'base64') : null;
}

/** Files posted with a form, each tied to the material its input belongs to. */
function uploadsOf(form: PostedForm, lc: LoadedCase): Upload[] {
  const known = new Set(lc.wf.definition.materials.map((m) => m.id));
  const seen = new Map<string, number>();
  return form.files.filter((f) => f.field.startsWith('file.')).map((f) => {
    const material = f.field.slice(5);
    const i = seen.get(f.field) ?? 0;
    seen.set(f.field, i + 1);
    return {
      field: f.field, materialId: known.has(material) ? material : null, filename: f.filename, bytes: f.bytes, truncated: f.truncated,
      thumbnail: thumbOf(form.get(`_thumb.${f.field}`)[i]),
    };
  });
}

/** Who changed the case since the clerk loaded it, in words. */
function changedBy(lc: LoadedCase, sinceVersion: number, userId: string, lang: Lang): string {
  const later = lc.view.history.filter((h) => h.seq > sinceVersion && h.actor !== userId);
  const last = later[later.length - 1];
  const who = last ? (last.actorName ?? tr(lang, '系统', 'the system')) : tr(lang, '他人', 'someone else');
  const what = last ? (loc(lang, lc.wf.definition.events[last.type]?.label) || last.type) : '';
  const when = last ? fmtDateTime(last.at) : '';
  return tr(lang,
    `在您填写期间，此案件已被${who}更新${what ? `（${what}，${when}）` : ''}。您填写的内容已保留，没有覆盖他人的办理结果。请核对当前环节后再继续。`,
    `While you were filling this in, ${who} changed the case${what ? ` (${what}, ${when})` : ''}. What you typed is kept and nothing was overwritten. Check the current step before you go on.`);
}

export default async function casePages(app: FastifyInstance, opts: PageOptions): Promise<void> {
  const deps = () => app.caseDeps;

  /** The case at its current step: progress, due date, materials, the step's form, other moves, notices, history. */
  async function casePage(req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200): Promise<FastifyReply> {
    const lang = pageLang(req);
    const user = req.user!;
    const counter = isCounter(req);
    const lc = await loadCase(app, user, id, lang);
    const events = lc.c.status === 'open' ? allowed(lc, req) : [];
    const notices = await noticesOf(app, lc.c.id);
    const query = req.query as { done?: string; saved?: string; acted?: string; uploaded?: string };
    const doneSeq = decimalInteger(query.done);
    const doneEntry = doneSeq !== undefined ? lc.view.history.find((h) => h.seq === doneSeq) : undefined;
    const primaryEvent = events.find((e) => e.form && e.form === Object.values(lc.wf.definition.machine.states[lc.c.state]?.meta.events ?? {}).find((x) => x.form)?.form) ?? events.find((e) => moveKind(e.type) === 'main');
    let primary: Record<string, unknown> | undefined;
    if (primaryEvent) {
      const info = eventInfo(lc, events, primaryEvent.type)!;
      const draft = await findDraft(app.db, lc.c.id, user.id, info.event.type);
      const data = draft ? draft.data : initialData(lc, info.schema);
      const html = stepFormHtml(lc, info, data, new Map(), lang, counter);
      primary = {
        type: info.event.type, label: loc(lang, info.event.label), action: `/cases/${lc.c.id}/act/${info.event.type}`, fields: html.fields, uploads: html.uploads,
        version: lc.c.version, draftVersion: draft?.version ?? 0, draftSavedAt: draft ? fmtDateTime(draft.updatedAt) : null, hasForm: Boolean(info.formId),
      };
    }
    const others = events.filter((e) => e.type !== primaryEvent?.type).map((e) => ({ type: e.type, label: loc(lang, e.label), href: `/cases/${lc.c.id}/act/${e.type}`, kind: moveKind(e.type) }));
    const isClerk = user.role === 'clerk';
    const oversight = user.role === 'supervisor' || user.role === 'admin';
    const holders = lc.c.status === 'open' ? (await usersAbove(app.db, lc.c.stationPath)).filter((u) => u.id !== user.id) : [];
    const { steps, position, total } = stepsOf(lc.wf, lc.c, lc.view, lang);
    const state = lc.wf.definition.machine.states[lc.c.state];
    return sendPage(req, reply, opts, 'case', `${loc(lang, lc.wf.definition.title)} · ${lc.person.name}`, {
      case: {
        id: lc.c.id, shortId: lc.c.id.slice(-12), title: loc(lang, lc.wf.definition.title), open: lc.c.status === 'open', version: lc.c.version,
        stateTitle: loc(lang, state?.meta.step) || lc.c.state, level: label(LEVELS, state?.meta.level, lang), external: state?.meta.external === true,
        outcome: outcomeText(lc.c.outcome, lang), createdAt: lc.c.createdAt, parentCaseId: lc.c.parentCaseId,
        assignee: lc.c.assigneeId ? (holders.find((h) => h.id === lc.c.assigneeId)?.name ?? (lc.c.assigneeId === user.id ? user.displayName : lc.c.assigneeId)) : null,
        escalatedTo: lc.c.escalatedTo ? label(LEVELS, lc.c.escalatedTo, lang) : null,
      },
      person: personHeader(lc.person, lang),
      steps, position, total,
      due: dueOf(app, lc.c, lang),
      materials: materialsOf(lc.wf, lc.c, lc.attachments, lang),
      files: lc.attachments.map(fileView),
      notices,
      justDone: doneEntry && {
        label: loc(lang, lc.wf.definition.events[doneEntry.type]?.label) || doneEntry.type,
        notices: notices.filter((n) => n.eventSeq === doneEntry.seq),
        receipt: notices.some((n) => n.eventSeq === doneEntry.seq && n.kind === 'receipt'),
      },
      saved: query.saved ? true : undefined,
      uploaded: decimalInteger(query.uploaded, 1),
      acted: query.acted ? loc(lang, query.acted === RECALL
        ? { zh: '已撤回：案件回到您的办理环节，可修改后重新提交', en: 'Taken back: the case is back at your step; change it and send it again' }
        : { zh: ({ COMMENT: '意见已记录', REASSIGN: '已转办', COPY_TO: '已抄送', URGE: '已催办' } as Record<string, string>)[query.acted] ?? '已记录', en: 'Recorded' }) : undefined,
      recall: lc.view.recall && { label: loc(lang, lc.view.recall.label) },
      primary, others, hasMoves: Boolean(primary || others.length),
      uploadOnly: lc.c.status === 'open' && (isClerk || user.role === 'admin') && !primary,
      uploadsHtml: stepFormHtml(lc, { event: { type: '', label: { zh: '', en: '' } }, formId: undefined, schema: EMPTY_FORM }, {}, new Map(), lang, counter).uploads,
      timeline: await timelineOf(app, lc.wf, lc.view, lc.attachments, lang),
      dataRows: caseDataRows(lc.wf, lc.view.data, lang),
      isClerk, oversight,
      holders: holders.map((h) => ({ ...h, roleText: label(ROLES, h.role, lang) })),
      receiptHref: `/cases/${lc.c.id}/receipt`,
      ...extra,
    }, status);
  }

  /** A step's form on a page of its own (other moves, and every form shown again with its errors). */
  async function formPage(req: FastifyRequest, reply: FastifyReply, lc: LoadedCase, info: EventInfo, state: {
    data: Record<string, unknown>; errors: Errors; version: number; draftVersion: number; banner?: string; conflict?: string; restored?: Draft;
  }, status = 200): Promise<FastifyReply> {
    const lang = pageLang(req);
    const counter = isCounter(req);
    const html = stepFormHtml(lc, info, state.data, state.errors, lang, counter);
    const { steps, position, total } = stepsOf(lc.wf, lc.c, lc.view, lang);
    return sendPage(req, reply, opts, 'step', `${loc(lang, info.event.label)} · ${lc.person.name}`, {
      case: { id: lc.c.id, title: loc(lang, lc.wf.definition.title), stateTitle: loc(lang, lc.wf.definition.machine.states[lc.c.state]?.meta.step) },
      person: personHeader(lc.person, lang), steps, position, total, due: dueOf(app, lc.c, lang),
      materials: materialsOf(lc.wf, lc.c, lc.attachments, lang, state.data),
      form: {
        type: info.event.type, label: loc(lang, info.event.label), kind: moveKind(info.event.type), action: `/cases/${lc.c.id}/act/${info.event.type}`,
        fields: html.fields, uploads: html.uploads, version: state.version, draftVersion: state.draftVersion, hasForm: Boolean(info.formId),
      },
      errorSummary: errorList(info.schema, state.errors, lang), banner: state.banner, conflict: state.conflict,
      restored: state.restored && fmtDateTime(state.restored.updatedAt),
    }, status);
  }

  app.get<{ Params: IdParams }>('/cases/:id', async (req, reply) => casePage(req, reply, req.params.id));

  app.get<{ Params: ActParams }>('/cases/:id/act/:type', async (req, reply) => {
    const lang = pageLang(req);
    const lc = await loadCase(app, req.user!, req.params.id, lang);
    const events = lc.c.status === 'open' ? allowed(lc, req) : [];
    const info = eventInfo(lc, events, req.params.type);
    if (!info) return see(reply, `/cases/${lc.c.id}`);
    if (!info.formId) return see(reply, `/cases/${lc.c.id}/act/${info.event.type}/check`);
    const draft = await findDraft(app.db, lc.c.id, req.user!.id, info.event.type);
    return formPage(req, reply, lc, info, {
      data: draft ? draft.data : initialData(lc, info.schema), errors: new Map(), version: lc.c.version, draftVersion: draft?.version ?? 0, restored: draft,
      conflict: draft && draft.caseVersion !== lc.c.version ? changedBy(lc, draft.caseVersion, req.user!.id, lang) : undefined,
    });
  });

  /** A step's form posted: files are stored, the data read and checked; then the check page, a saved draft, or the form again. */
  app.post<{ Params: ActParams }>('/cases/:id/act/:type', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const form = posted(req);
    const action = form.first('_action') ?? 'continue';
    const expectedVersion = Number(form.first('_version'));
    const draftVersion = Number(form.first('_draft') ?? 0) || 0;
    let lc = await loadCase(app, user, req.params.id, lang);
    const events = lc.c.status === 'open' ? allowed(lc, req) : [];
    const info = eventInfo(lc, events, req.params.type);
    if (!info) {
      return casePage(req, reply, lc.c.id, { pageError: tr(lang, '案件已不在该环节，或您无权执行该操作。您填写的内容未提交。', 'The case is no longer at this step, or you may not do this. Nothing was sent.') }, 409);
    }
    const group = /^(add|remove):/.test(action);
    const parsed = parseForm(info.schema, form.get, lang, { keepEmpty: group });
    const data = parsed.data;
    const errors: Errors = new Map(parsed.errors);
    const changedByOthers = Number.isInteger(expectedVersion) && expectedVersion !== lc.c.version;

    // Files first: they are kept even when the form still has mistakes.
    const uploads = uploadsOf(form, lc);
    let attachedCount = 0;
    if (uploads.length) {
      const res = await attachFiles(deps(), user, lc.c.id, uploads, lang);
      attachedCount = res.attached.length;
      for (const p of res.problems) addError(errors, info.schema.properties && (info.schema.properties as Record<string, unknown>).materials ? '/materials' : '', p.message);
      if (res.attached.length) lc = await loadCase(app, user, lc.c.id, lang);
    }
    // The version the clerk has now seen: theirs plus their own uploads, or the current one once told of others' changes.
    const seenVersion = changedByOthers ? expectedVersion : lc.c.version;
    const conflict = changedByOthers ? changedBy(lc, expectedVersion, user.id, lang) : undefined;

    if (group) {
      applyGroupAction(info.schema, data, action);
      return formPage(req, reply, lc, info, { data, errors: new Map(), version: changedByOthers ? lc.c.version : seenVersion, draftVersion, conflict });
    }

    const saved = await saveDraft(app.db, { caseId: lc.c.id, userId: user.id, eventType: info.event.type, data, caseVersion: seenVersion, now: app.clock.now() }, draftVersion);
    if (!saved.ok) {
      // Another tab of this clerk saved in between: show theirs, keep nothing silently.
      return formPage(req, reply, lc, info, {
        data, errors, version: lc.c.version, draftVersion: saved.current.version,
        conflict: tr(lang, `此表单的草稿已在另一个窗口于${fmtDateTime(saved.current.updatedAt)}保存过。下面是您刚填写的内容，再次保存将以此为准。`, `A draft of this form was saved from another window at ${fmtDateTime(saved.current.updatedAt)}. Below is what you just typed; saving again keeps this version.`),
      }, 409);
    }
    if (action === 'save' || action === 'upload') {
      if (errors.size) return formPage(req, reply, lc, info, { data, errors, version: seenVersion, draftVersion: saved.version, banner: tr(lang, '草稿已保存，但有文件未能上传。', 'Draft saved, but some files were not attached.') }, 422);
      return see(reply, `/cases/${lc.c.id}?saved=1${attachedCount ? `&uploaded=${attachedCount}` : ''}`);
    }

    if (changedByOthers) {
      return formPage(req, reply, lc, info, { data, errors, version: lc.c.version, draftVersion: saved.version, conflict }, 409);
    }
    // The same checks the step itself will make (form, guards, who may act), without writing anything.
    const result = step(lc.wf, lc.c.snapshot, { type: info.event.type, data: cleanData(withoutRaw(data, parsed.raw)) }, actorOf(user), { lang, now: app.clock.now(), previousActorId: lc.previousActorId });
    if (!result.ok) {
      if (result.errors?.length) mergeServiceErrors(errors, info.schema, result.errors, lang);
      else addError(errors, '', result.detail?.[lang] ?? errorText(lang, new AppError(result.code)));
    }
    if (errors.size) {
      return formPage(req, reply, lc, info, { data, errors, version: lc.c.version, draftVersion: saved.version }, 422);
    }
    return see(reply, `/cases/${lc.c.id}/act/${info.event.type}/check`);
  });

  /** Check your answers: everything the step will record, read back before it is sent. */
  app.get<{ Params: ActParams }>('/cases/:id/act/:type/check', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const lc = await loadCase(app, user, req.params.id, lang);
    const events = lc.c.status === 'open' ? allowed(lc, req) : [];
    const info = eventInfo(lc, events, req.params.type);
    if (!info) return see(reply, `/cases/${lc.c.id}`);
    const draft = await findDraft(app.db, lc.c.id, user.id, info.event.type);
    if (info.formId && !draft) return see(reply, `/cases/${lc.c.id}/act/${info.event.type}`);
    const data = draft?.data ?? {};
    const counter = isCounter(req);
    const rows = answerRows(info.schema, data, lang, { enumLabel: enumLabelFor(lc.wf, lang, counter) });
    const version = draft?.caseVersion ?? lc.c.version;
    // What the step will do, worked out by the same pure step function (nothing is written).
    const preview = step(lc.wf, lc.c.snapshot, { type: info.event.type, data: cleanData(data) }, actorOf(user), { lang, now: app.clock.now(), previousActorId: lc.previousActorId });
    const outcome = preview.ok ? {
      next: preview.snapshot.status === 'done'
        ? tr(lang, `案件办结（${outcomeText(preview.snapshot.context.outcome, lang) || loc(lang, lc.wf.definition.machine.states[preview.snapshot.value]?.meta.step)}）`, `The case closes (${outcomeText(preview.snapshot.context.outcome, lang) || loc(lang, lc.wf.definition.machine.states[preview.snapshot.value]?.meta.step)})`)
        : preview.snapshot.value === lc.c.state ? null : loc(lang, lc.wf.definition.machine.states[preview.snapshot.value]?.meta.step),
      notices: preview.effects.filter((e) => e.type === 'issueNotice').map((e) => loc(lang, lc.wf.definition.notices[(e as { notice: string }).notice]?.title)),
      children: (await Promise.all(preview.effects.filter((e) => e.type === 'startCase').map(async (e) => loc(lang, (await app.registry.inForce(app.db, (e as { workflowId: string }).workflowId, app.clock.now()))?.definition.title)))).filter(Boolean),
    } : null;
    return sendPage(req, reply, opts, 'check', `${tr(lang, '核对信息', 'Check your answers')} · ${loc(lang, info.event.label)}`, {
      case: { id: lc.c.id, title: loc(lang, lc.wf.definition.title), stateTitle: loc(lang, lc.wf.definition.machine.states[lc.c.state]?.meta.step) },
      person: personHeader(lc.person, lang),
      event: { type: info.event.type, label: loc(lang, info.event.label), kind: moveKind(info.event.type), hasForm: Boolean(info.formId) },
      rows, files: lc.attachments.map(fileView), version, draftVersion: draft?.version ?? 0, outcome,
      editHref: `/cases/${lc.c.id}/act/${info.event.type}`,
      conflict: version !== lc.c.version ? changedBy(lc, version, user.id, lang) : undefined,
    });
  });

  /** The step is sent: the same service call as POST /api/v1/cases/:id/events. */
  app.post<{ Params: ActParams }>('/cases/:id/act/:type/check', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const form = posted(req);
    const lc = await loadCase(app, user, req.params.id, lang);
    const events = lc.c.status === 'open' ? allowed(lc, req) : [];
    const info = eventInfo(lc, events, req.params.type);
    const draft = await findDraft(app.db, lc.c.id, user.id, req.params.type);
    if (!info) {
      return casePage(req, reply, lc.c.id, { pageError: tr(lang, '案件已不在该环节，或您无权执行该操作。未提交任何内容。', 'The case is no longer at this step, or you may not do this. Nothing was sent.') }, 409);
    }
    if (info.formId && !draft) return see(reply, `/cases/${lc.c.id}/act/${info.event.type}`);
    const expectedVersion = draft?.caseVersion ?? Number(form.first('_version'));
    const data = info.formId ? cleanData(draft!.data) : undefined;
    try {
      const view = await sendEvent(deps(), user, lc.c.id, { type: info.event.type, data, expectedVersion }, `page:${info.event.type}:${expectedVersion}`, lang);
      if (draft) await deleteDraft(app.db, lc.c.id, user.id, info.event.type);
      return see(reply, `/cases/${lc.c.id}?done=${view.version}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors: Errors = new Map();
      if (err.code === 'STALE_VERSION') {
        return formPage(req, reply, lc, info, { data: draft?.data ?? {}, errors, version: lc.c.version, draftVersion: draft?.version ?? 0, conflict: changedBy(lc, expectedVersion, user.id, lang) }, 409);
      }
      if (err.extras.errors?.length) mergeServiceErrors(errors, info.schema, err.extras.errors, lang);
      else addError(errors, '', errorText(lang, err));
      return formPage(req, reply, lc, info, { data: draft?.data ?? {}, errors, version: lc.c.version, draftVersion: draft?.version ?? 0 }, err.statusCode);
    }
  });

  /** Attaching files without a step form (a step whose moves take no form, or a closed form). */
  app.post<{ Params: IdParams }>('/cases/:id/attachments', async (req, reply) => {
    const lang = pageLang(req);
    const lc = await loadCase(app, req.user!, req.params.id, lang);
    const uploads = uploadsOf(posted(req), lc);
    if (!uploads.length) return casePage(req, reply, lc.c.id, { uploadError: tr(lang, '请选择要上传的文件', 'Choose a file to attach') }, 422);
    const res = await attachFiles(deps(), req.user!, lc.c.id, uploads, lang);
    if (res.problems.length) return casePage(req, reply, lc.c.id, { uploadError: res.problems.map((p) => p.message).join('；'), uploaded: res.attached.length || undefined }, 422);
    return see(reply, `/cases/${lc.c.id}?uploaded=${res.attached.length}#materials`);
  });

  /** 撤回: the case goes back to the step the clerk just sent; a refusal is explained at the top of the page. */
  async function recallFromPage(req: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, expectedVersion: number, reason: string): Promise<FastifyReply> {
    const lang = pageLang(req);
    try {
      await sendEvent(deps(), req.user!, req.params.id, { type: RECALL, data: reason ? { reason } : {}, expectedVersion }, undefined, lang);
      return see(reply, `/cases/${req.params.id}?acted=${RECALL}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
      const text = err.code === 'STALE_VERSION' ? tr(lang, '案件刚被他人更新，请核对后再操作。', 'The case was just changed by someone else; check it first.') : (err.extras.errors?.map((e) => e.message).join('；') || errorText(lang, err));
      return casePage(req, reply, req.params.id, { pageError: text }, errorStatus[err.code]);
    }
  }

  /** 意见 / 转办 / 抄送 / 催办 (and 撤回, which moves the case back): the history entries posted from the case page. */
  app.post<{ Params: IdParams }>('/cases/:id/acts', async (req, reply) => {
    const lang = pageLang(req);
    const form = posted(req);
    const act = form.first('_act') ?? '';
    const expectedVersion = Number(form.first('_version'));
    const text = (form.first('text') ?? '').trim();
    const userId = form.first('userId') ?? '';
    const reason = (form.first('reason') ?? '').trim();
    let data: Record<string, unknown>;
    if (act === RECALL) return recallFromPage(req, reply, expectedVersion, reason);
    if (act === 'COMMENT' || act === 'URGE') data = { text };
    else if (act === 'REASSIGN') data = { userId, ...(reason ? { reason } : {}) };
    else if (act === 'COPY_TO') data = { userId, ...(reason ? { note: reason } : {}) };
    else throw new AppError('BAD_REQUEST');
    const actErrors: { field: string; text: string }[] = [];
    if ((act === 'COMMENT' || act === 'URGE') && !text) actErrors.push({ field: `${act}-text`, text: tr(lang, '请填写内容', 'Write something first') });
    if ((act === 'REASSIGN' || act === 'COPY_TO') && !userId) actErrors.push({ field: `${act}-user`, text: tr(lang, '请选择人员', 'Choose a person') });
    if (!actErrors.length) {
      try {
        await sendEvent(deps(), req.user!, req.params.id, { type: act, data, expectedVersion }, undefined, lang);
        return see(reply, `/cases/${req.params.id}?acted=${act}#history`);
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
        actErrors.push({ field: `${act}-${act === 'REASSIGN' || act === 'COPY_TO' ? 'user' : 'text'}`, text: err.code === 'STALE_VERSION' ? tr(lang, '案件刚被他人更新，请核对后再提交（您填写的内容已保留）。', 'The case was just changed by someone else; check it and send again (what you typed is kept).') : (err.extras.errors?.map((e) => e.message).join('；') || errorText(lang, err)) });
      }
    }
    return casePage(req, reply, req.params.id, { actErrors, actOpen: act, actValues: { text, userId, reason } }, 422);
  });

  // Files are served only inside the jurisdiction of the case they belong to.
  app.get<{ Params: IdParams }>('/attachments/:id', async (req, reply) => {
    const a = await attachmentFor(app.db, req.user!, req.params.id);
    if (!a) throw new AppError('NOT_FOUND');
    return reply.type(a.mime).header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
      .header('cache-control', 'private, max-age=3600').header('etag', `"${a.sha256}"`)
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'").send(a.bytes);
  });

  app.get<{ Params: IdParams }>('/attachments/:id/thumb', async (req, reply) => {
    const a = await attachmentFor(app.db, req.user!, req.params.id);
    if (!a || a.mime === 'application/pdf') throw new AppError('NOT_FOUND');
    const thumb = a.thumbnail;
    return reply.type(thumb ? (thumb[0] === 0xff ? 'image/jpeg' : 'image/png') : a.mime).header('cache-control', 'private, max-age=86400').send(thumb ?? a.bytes);
  });

  /** 回执: a printable receipt with the case number, the materials received and a QR code to check it. */
  app.get<{ Params: IdParams }>('/cases/:id/receipt', async (req, reply) => {
    const lang = pageLang(req);
    const lc = await loadCase(app, req.user!, req.params.id, lang);
    const notices = await noticesOf(app, lc.c.id);
    const receipt = [...notices].reverse().find((n) => n.kind === 'receipt');
    const base = app.notices?.settings.publicBaseUrl ?? `${req.protocol}://${req.headers.host}`;
    const target = receipt?.verifyUrl ?? `${base}/cases/${lc.c.id}`;
    const qr = qrcode(0, 'M');
    qr.addData(target);
    qr.make();
    const svg = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }).replace('<svg ', `<svg class="qr" role="img" aria-label="${esc(tr(lang, '核验二维码', 'QR code to check this receipt'))}" `);
    const received = new Set(lc.c.snapshot.context.materials);
    const materials = lc.wf.definition.materials.filter((m) => received.has(m.id)).map((m, i) => ({
      no: i + 1, title: loc(lang, m.title), originalSeen: m.originalSeen === true, files: lc.attachments.filter((a) => a.materialId === m.id).length,
    }));
    const station = await app.db.selectFrom('stations').select(['name_zh', 'name_en']).where('id', '=', req.user!.stationId).executeTakeFirst();
    return sendPage(req, reply, opts, 'receipt', tr(lang, '材料接收回执', 'Receipt for materials'), {
      case: { id: lc.c.id, title: loc(lang, lc.wf.definition.title), stateTitle: loc(lang, lc.wf.definition.machine.states[lc.c.state]?.meta.step), createdAt: lc.c.createdAt },
      person: personHeader(lc.person, lang), materials, files: lc.attachments.length, receipt, qrSvg: svg, qrTarget: target,
      due: dueOf(app, lc.c, lang), station: station && (lang === 'en' ? station.name_en : station.name_zh), clerk: req.user!.displayName,
      printedAt: fmtDateTime(app.clock.now()), printPage: true,
    });
  });
}
