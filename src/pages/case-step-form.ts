/**
 * A step's form on the case pages: which move it is, its fields and file boxes, the files posted with
 * it, its problems in words.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Upload } from '../attachments/attachment.service.ts';
import { previewStep } from '../cases/case.service.ts';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { sectionsOf } from '../definitions/form-sections.ts';
import { AppError, errorText } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { ACT_LABELS, lastChange, stepNow } from '../cases/last-change.ts';
import { formatShanghai } from '../time/shanghai.ts';
import { fileView, movesOf, choicesOf, outcomeText, type LoadedCase } from './case-model.ts';
import type { MaterialFiles, UploadBox } from './form-fields.ts';
import { addError } from './form-parse.ts';
import { renderForm, renderUploads } from './form-render.ts';
import { MATERIALS_POINTER, schemaAt, titleOf, uiOf, type Errors } from './form-schema.ts';
import { sectionViews } from './form-sections.ts';
import { stepsInEffect } from '../cases/history-replay.ts';
import { loc } from './view.ts';
import { COUNTER_COOKIE, type PostedForm } from './web.ts';
import { personFacts, prefillValues } from '../definitions/prefill.ts';
import { acceptOf, fileRuleText } from '../attachments/file-rule.ts';

const EMPTY_FORM: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };
/** Keys of a draft that are the page's own, not the step's data. */
const RESERVED = /^\$/;

export interface EventInfo {
  event: { type: string; label: { zh: string; en: string } };
  formId: string | undefined;
  schema: JsonSchema;
}

export function cleanData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !RESERVED.test(k)));
}

export function isCounter(req: FastifyRequest): boolean {
  return req.cookies?.[COUNTER_COOKIE] === '1';
}

/** The move `type` if the user may make it now, with its form. */
export function eventInfo(lc: LoadedCase, type: string): EventInfo | undefined {
  const event = movesOf(lc).find((e) => e.type === type);
  if (!event) return undefined;
  const schema = event.formId ? lc.definition.forms[event.formId] : EMPTY_FORM;
  return { event, formId: event.formId, schema };
}

/** What kind of move an event is, for the button's look and the words around it. */
export function moveKind(type: string): 'return' | 'refuse' | 'withdraw' | 'sendback' | 'main' {
  if (type === 'RETURN') return 'return';
  if (type === 'SEND_BACK') return 'sendback';
  if (type === 'WITHDRAW') return 'withdraw';
  if (/^(REFUSE|NOT_ACCEPT|RECORD_REFUSAL|REVOKE)$/.test(type)) return 'refuse';
  return 'main';
}

/** The level of the step that last gave a field its answer, among the steps still in effect. */
function answeredAtLevel(lc: LoadedCase, key: string): string | undefined {
  const entry = stepsInEffect(lc.view.history).findLast((h) => {
    const given = h.payload.data as Record<string, unknown> | undefined;
    return given !== undefined && key in given;
  });
  return entry?.from ? lc.definition.machine.states[entry.from]?.meta.level : undefined;
}

/**
 * The data a step's form starts with: the case's answers for its fields (materials are ticked afresh),
 * except answers a field keeps to the level that gave them (`x-ui.carry`).
 */
export function initialData(lc: LoadedCase, schema: JsonSchema): Record<string, unknown> {
  const data = lc.row.snapshot.context.data;
  const level = lc.definition.machine.states[lc.row.state]?.meta.level;
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (key === 'materials' || data[key] === undefined) continue;
    if (uiOf(prop).carry === 'same-level' && answeredAtLevel(lc, key) !== level) continue;
    out[key] = structuredClone(data[key]);
  }
  return out;
}

function materialUpload(lc: LoadedCase, id: string, lang: Lang): UploadBox {
  const material = lc.definition.materials.find((m) => m.id === id)!;
  const title = loc(lang, material.title);
  const box = { id: `up-${id}`, name: `file.${id}`, text: message(lang, 'UPLOAD_SCAN_OR_PHOTO'), hidden: message(lang, 'UPLOAD_FOR_MATERIAL', { title }) };
  // The rule the definition states for this material's file, said before the file is chosen.
  return material.file ? { ...box, hint: message(lang, 'PHOTO_HINT', { rule: fileRuleText(material.file, lang) }), accept: acceptOf(material.file) } : box;
}

/**
 * The file boxes outside the form's fields: the step's materials when the form does not list them,
 * and other papers.
 */
export function uploadsHtml(lc: LoadedCase, lang: Lang, schema: JsonSchema = EMPTY_FORM): string {
  const stateMaterials = lc.definition.machine.states[lc.row.state]?.meta.materials ?? [];
  const listed = Boolean(schema.properties?.materials);
  const received = new Set(lc.row.snapshot.context.materials);
  const files = lc.attachments.map(fileView);
  return renderUploads({
    // Steps that check materials without listing them in the form still take their files here.
    materials: listed ? [] : stateMaterials.map((id) => ({
      title: loc(lang, lc.definition.materials.find((x) => x.id === id)!.title), received: received.has(id) ? message(lang, 'MATERIAL_RECEIVED') : undefined,
      files: files.filter((f) => f.materialId === id), upload: materialUpload(lc, id, lang),
    })),
    other: { id: 'up-other', name: 'file._other', text: message(lang, 'UPLOAD_OTHER'), hint: message(lang, 'UPLOAD_HINT') },
  }, lang);
}

/** The form of a step, with the materials checklist (ticks, files, upload) where the form lists materials. */
export function stepFormHtml(
  lc: LoadedCase, info: EventInfo, data: Record<string, unknown>, errors: Errors, lang: Lang, counter: boolean,
): { fields: string; uploads: string } {
  const files = lc.attachments.map(fileView);
  const received = new Set(lc.row.snapshot.context.materials);
  const materialsField = info.schema.properties?.materials;
  // The checklist says once how files are taken; each material then has its own file box.
  const description = message(lang, counter ? 'MATERIALS_TICK_COUNTER' : 'MATERIALS_TICK', { hint: message(lang, 'UPLOAD_HINT') });
  const schema = materialsField
    ? {
        ...info.schema,
        properties: { ...info.schema.properties, materials: { ...materialsField, description } },
      }
    : info.schema;
  const afterOption = (pointer: string, value: string): MaterialFiles | undefined => {
    if (pointer !== '/materials' || !lc.definition.materials.some((m) => m.id === value)) return undefined;
    return {
      receivedEarlier: received.has(value) ? message(lang, 'MATERIAL_RECEIVED_EARLIER') : undefined,
      files: files.filter((f) => f.materialId === value), upload: materialUpload(lc, value, lang),
    };
  };
  const choices = choicesOf(lc.definition, counter);
  const fromFile = prefillValues(lc.definition, personFacts(lc.person));
  const fields = renderForm(schema, data, { lang, errors, choices, afterOption, fromFile });
  return { fields, uploads: uploadsHtml(lc, lang, info.schema) };
}

/** A thumbnail the page's script made (a data: URL in `_thumb.<field>`, one per file, in order). */
function thumbOf(dataUrl: string | undefined): Buffer | null {
  const m = /^data:image\/(jpeg|png);base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl ?? '');
  return m ? Buffer.from(m[2]!, 'base64') : null;
}

/** Files posted with a form, each tied to the material its input belongs to. */
export function uploadsOf(form: PostedForm, lc: LoadedCase): Upload[] {
  const known = new Set(lc.definition.materials.map((m) => m.id));
  const seen = new Map<string, number>();
  return form.files.filter((f) => f.field.startsWith('file.')).map((f) => {
    const material = f.field.slice(5);
    const i = seen.get(f.field) ?? 0;
    seen.set(f.field, i + 1);
    return {
      field: f.field, materialId: known.has(material) ? material : null, filename: f.filename,
      bytes: f.bytes, truncated: f.truncated,
      thumbnail: thumbOf(form.get(`_thumb.${f.field}`)[i]),
    };
  });
}

/** A refused step's problems beside their fields, with plainer words where the generic text says little. */
export function explainRefusal(errors: Errors, schema: JsonSchema, err: AppError, lang: Lang): void {
  const list = err.extras.errors ?? [];
  if (!list.length) {
    // Missing materials are told at the checklist, whose link the summary gives.
    addError(errors, err.extras.missingMaterials?.length ? MATERIALS_POINTER : '', errorText(lang, err));
    return;
  }
  for (const e of list) {
    const s = e.path ? schemaAt(schema, e.path) : undefined;
    let text = e.message;
    if (s && s.const === true && !s['x-error']) text = message(lang, 'FORM_TICK', { title: titleOf(s, lang, '') });
    if (errors.has(e.path) && e.path) continue; // already explained while reading the form
    addError(errors, e.path, text);
  }
}

/**
 * What the step itself would refuse in `data` (form, cross-field rules, guards, who may act), by
 * field, without writing anything.
 */
export async function stepProblems(
  app: FastifyInstance, user: FastifyRequest['user'] & object, lc: LoadedCase, info: EventInfo, data: Record<string, unknown>, lang: Lang,
): Promise<Errors> {
  const errors: Errors = new Map();
  const preview = await previewStep(app.caseDeps, user, lc, { type: info.event.type, data: cleanData(data) }, lang);
  if (!preview.ok) explainRefusal(errors, info.schema, preview.error, lang);
  return errors;
}

/**
 * Where a long form's sections stand in `data` and whether the step may go on to check-your-answers
 * (every section done, nothing the engine would refuse); undefined for a form without sections.
 */
export async function sectionsState(
  app: FastifyInstance, user: FastifyRequest['user'] & object, lc: LoadedCase, info: EventInfo, data: Record<string, unknown>, lang: Lang,
) {
  const sections = sectionsOf(info.schema);
  if (!sections) return undefined;
  const problems = await stepProblems(app, user, lc, info, data, lang);
  const views = sectionViews(sections, data, problems, lc.row.id, info.event.type, lang);
  return { sections, problems, views, ready: !problems.size && views.every((v) => v.status === 'done') };
}

/**
 * The move `type` as its form was built when the case stood at `version`, for a case that has left
 * that step since: the form comes back with what was typed, beside what happened (changedBy). Not for
 * a step still current (the user may not make the move) nor for a role the step never takes.
 */
export function eventAtVersion(lc: LoadedCase, type: string, version: number, role: string): EventInfo | undefined {
  const state = lc.view.history.find((h) => h.seq === version)?.to;
  const config = state ? lc.definition.machine.states[state] : undefined;
  if (!config?.on?.[type] || version >= lc.row.version) return undefined;
  if (state === lc.row.state && lc.row.status === 'open') return undefined;
  if (!(config.meta.events?.[type]?.roles ?? config.meta.roles ?? ['clerk']).includes(role)) return undefined;
  const formId = config.meta.events?.[type]?.form;
  const label = lc.definition.events[type]?.label ?? { zh: type, en: type };
  return { event: { type, label }, formId, schema: formId ? lc.definition.forms[formId]! : EMPTY_FORM };
}

/** Who changed the case since the clerk loaded it, what they did, when, and where the case is now, in words. */
export function changedBy(lc: LoadedCase, sinceVersion: number, userId: string, lang: Lang): string {
  const now = stepNow(lc.definition, lc.row.state, lc.row.status === 'open');
  const nowText = now
    ? message(lang, 'EDIT_NOW_AT', { step: loc(lang, now.title) })
    : message(lang, 'EDIT_NOW_CLOSED', { outcome: outcomeText(lc.row.outcome, lang) });
  const change = lastChange(lc.definition, lc.view.history, sinceVersion, userId);
  if (!change) return message(lang, 'EDIT_CHANGED_UNSEEN', { now: nowText });
  const what = ACT_LABELS[change.type] || !change.step
    ? message(lang, 'EDIT_DID_ACT', { act: loc(lang, change.label) })
    : message(lang, 'EDIT_DID_STEP', { step: loc(lang, change.step) });
  return message(lang, 'EDIT_CHANGED', {
    who: change.actorName ?? message(lang, 'CASE_CHANGED_BY_SYSTEM'),
    when: formatShanghai(new Date(change.at), message(lang, 'EDIT_WHEN_FORMAT')),
    what, now: nowText,
  });
}
