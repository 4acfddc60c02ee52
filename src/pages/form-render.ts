/**
 * Turns a step's JSON Schema, the values and the errors into accessible HTML, and a posted form
 * back into data. Field names follow the data: `d.name`, `d.members.0.relation`; ids follow the
 * JSON Pointer of the value (`/members/0/relation` → `f-members-0-relation`), so an error's path
 * finds its field. Every control has a label (fieldsets with legends for groups), hints and
 * errors are tied to it with aria-describedby, invalid ones carry aria-invalid.
 */
import type { JsonSchema } from '../definitions/definition.types.ts';
import type { Lang } from '../messages/lang.ts';
import { escapeHtml as esc, tr } from './view.ts';

export type Errors = Map<string, string[]>;

export interface RenderContext {
  lang: Lang;
  errors: Errors;
  /** Labels for enum values the schema does not label itself (material ids, for instance). */
  enumLabel?: (pointer: string, value: string) => string | undefined;
  /** Extra HTML after a field (the materials checklist puts attachments there). */
  after?: (pointer: string) => string;
  /** Extra HTML after one enum option of a checkbox group (attachments of one material). */
  afterOption?: (pointer: string, value: string) => string;
}

type Get = (name: string) => string[];

const NAME_PREFIX = 'd';

export function fieldId(pointer: string): string {
  return `f${pointer.replaceAll('/', '-')}` || 'f';
}

export function fieldName(pointer: string): string {
  return `${NAME_PREFIX}${pointer.replaceAll('/', '.')}`;
}

export function titleOf(schema: JsonSchema, lang: Lang, fallback: string): string {
  if (lang === 'en' && typeof schema['x-title-en'] === 'string') return schema['x-title-en'];
  return typeof schema.title === 'string' ? schema.title : fallback;
}

interface Ui {
  widget?: string;
  labels?: Record<string, string>;
  labelsEn?: Record<string, string>;
  unit?: string;
  placeholder?: string;
}

function uiOf(schema: JsonSchema): Ui {
  return (schema['x-ui'] as Ui | undefined) ?? {};
}

function typeOf(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return (t as string[]).find((x) => x !== 'null');
  return t as string | undefined;
}

function humanize(v: string): string {
  return v.replace(/[-_]/g, ' ');
}

export function optionLabel(schema: JsonSchema, value: unknown, lang: Lang, pointer = '', ctx?: Pick<RenderContext, 'enumLabel'>): string {
  const ui = uiOf(schema);
  const v = String(value);
  if (lang === 'en') return ui.labelsEn?.[v] ?? ctx?.enumLabel?.(pointer, v) ?? (ui.labels?.[v] && !/^[a-z0-9-]+$/i.test(v) ? ui.labels[v]! : humanize(v));
  return ui.labels?.[v] ?? ctx?.enumLabel?.(pointer, v) ?? v;
}

function enumOf(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  return undefined;
}

function isMoneyFen(schema: JsonSchema): boolean {
  const ui = uiOf(schema);
  return ui.widget === 'money-fen' || (ui.widget === 'money' && (ui.unit ?? 'fen') === 'fen');
}

/** "12,345.67 元" for an amount in fen. */
export function yuan(fen: number): string {
  return `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
}

function hintOf(schema: JsonSchema, lang: Lang): string | undefined {
  const parts: string[] = [];
  if (typeof schema.description === 'string') parts.push(schema.description);
  const format = schema.format as string | undefined;
  if (format === 'date') parts.push(tr(lang, '格式：年-月-日，如 2026-09-20', 'Format: year-month-day, e.g. 2026-09-20'));
  if (format === 'cn-id-number') parts.push(tr(lang, '18位，最后一位可以是X', '18 characters; the last may be X'));
  if (format === 'cn-mobile') parts.push(tr(lang, '11位手机号码', '11-digit mobile number'));
  if (format === 'bank-card') parts.push(tr(lang, '12至19位数字，不含空格', '12 to 19 digits, no spaces'));
  if (uiOf(schema).widget === 'month') parts.push(tr(lang, '格式：年-月，如 2026-09', 'Format: year-month, e.g. 2026-09'));
  if (isMoneyFen(schema)) parts.push(tr(lang, '以“分”为单位填写整数，100分＝1元', 'Whole fen: 100 fen = 1 yuan'));
  const type = typeOf(schema);
  if ((type === 'integer' || type === 'number') && !isMoneyFen(schema) && !enumOf(schema)) {
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    if (min !== undefined && max !== undefined) parts.push(tr(lang, `填写${min}至${max}之间的数`, `A number from ${min} to ${max}`));
    else if (min !== undefined) parts.push(tr(lang, `不小于${min}`, `At least ${min}`));
  }
  if (type === 'array' && typeof schema.minItems === 'number' && schema.minItems > 0 && enumOf((schema.items ?? {}) as JsonSchema)) {
    parts.push(tr(lang, `至少选择${schema.minItems}项`, `Choose at least ${schema.minItems}`));
  }
  return parts.length ? parts.join('；') : undefined;
}

/** Fields that a form-level `if`/`then` asks for only when another field has a given value. */
export interface Condition {
  field: string;
  values: unknown[];
}

export function conditionsOf(schema: JsonSchema): Map<string, Condition> {
  const out = new Map<string, Condition>();
  const blocks = [schema, ...((schema.allOf as JsonSchema[] | undefined) ?? [])];
  for (const b of blocks) {
    const cond = b.if as JsonSchema | undefined;
    const then = b.then as JsonSchema | undefined;
    if (!cond || !then) continue;
    const props = Object.entries((cond.properties as Record<string, JsonSchema> | undefined) ?? {});
    if (props.length !== 1) continue;
    const [field, test] = props[0]!;
    const values = test.const !== undefined ? [test.const] : Array.isArray(test.enum) ? (test.enum as unknown[]) : undefined;
    if (!values) continue;
    const names = new Set([...((then.required as string[] | undefined) ?? []), ...Object.keys((then.properties as object | undefined) ?? {})]);
    for (const n of names) if (n !== field) out.set(n, { field, values });
  }
  return out;
}

/** Properties a form may show: its own, plus those only a conditional `then` declares. */
function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  const own = { ...((schema.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  for (const b of [schema, ...((schema.allOf as JsonSchema[] | undefined) ?? [])]) {
    const then = b.then as JsonSchema | undefined;
    for (const [k, v] of Object.entries((then?.properties as Record<string, JsonSchema> | undefined) ?? {})) if (!own[k]) own[k] = v;
  }
  return Object.entries(own);
}

function errorsAt(ctx: RenderContext, pointer: string): string[] {
  return ctx.errors.get(pointer) ?? [];
}

function errorBlock(id: string, msgs: string[], lang: Lang): string {
  if (!msgs.length) return '';
  return msgs.map((m, i) => `<p class="error-message" id="${id}-error${i ? `-${i}` : ''}"><span class="visually-hidden">${tr(lang, '错误：', 'Error: ')}</span>${esc(m)}</p>`).join('');
}

function describedBy(id: string, hint: string | undefined, msgs: string[]): string {
  const ids = [...(hint ? [`${id}-hint`] : []), ...msgs.map((_, i) => `${id}-error${i ? `-${i}` : ''}`)];
  return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
}

function requiredMark(required: boolean, lang: Lang): string {
  return required ? ` <span class="req" aria-hidden="true">*</span><span class="visually-hidden">${tr(lang, '（必填）', ' (required)')}</span>` : '';
}

function conditionAttrs(cond: Condition | undefined, base: string): string {
  if (!cond) return '';
  return ` data-show-field="${esc(fieldName(`${base}/${cond.field}`))}" data-show-values="${esc(JSON.stringify(cond.values.map(String)))}"`;
}

function asString(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

interface FieldArgs {
  schema: JsonSchema;
  pointer: string;
  key: string;
  value: unknown;
  required: boolean;
  cond?: Condition;
  base: string;
}

function renderField(a: FieldArgs, ctx: RenderContext): string {
  const { schema, pointer, value } = a;
  const id = fieldId(pointer);
  const name = fieldName(pointer);
  const title = titleOf(schema, ctx.lang, a.key);
  const hint = hintOf(schema, ctx.lang);
  const msgs = errorsAt(ctx, pointer);
  const invalid = msgs.length ? ' aria-invalid="true"' : '';
  const ui = uiOf(schema);
  const type = typeOf(schema);
  const options = enumOf(schema);
  const condHint = a.cond ? `<p class="hint conditional-hint">${esc(tr(ctx.lang, '仅在需要时填写', 'Only when it applies'))}</p>` : '';
  const wrapOpen = (extra = '') => `<div class="field${msgs.length ? ' field-error' : ''}${extra}" id="${id}-field"${conditionAttrs(a.cond, a.base)}>`;
  const hintHtml = hint ? `<p class="hint" id="${id}-hint">${esc(hint)}</p>` : '';
  const after = ctx.after?.(pointer) ?? '';
  const req = a.required ? ' aria-required="true"' : '';

  // Repeating group: one fieldset per item, add and remove buttons that work without JavaScript.
  if (type === 'array' && typeOf((schema.items ?? {}) as JsonSchema) === 'object') {
    const items = Array.isArray(value) ? (value as unknown[]) : [];
    const itemSchema = schema.items as JsonSchema;
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : 50;
    const rows = items.map((item, i) => {
      const inner = renderObject(itemSchema, `${pointer}/${i}`, (item ?? {}) as Record<string, unknown>, ctx);
      const n = i + 1;
      return `<fieldset class="group-item" id="${id}-${i}"><legend>${esc(title)} ${tr(ctx.lang, `第${n}项`, `#${n}`)}</legend>${inner}`
        + `<button type="submit" class="button-link" name="_action" value="remove:${esc(pointer)}/${i}" formnovalidate>${esc(tr(ctx.lang, `删除第${n}项`, `Remove #${n}`))}</button></fieldset>`;
    }).join('');
    const add = items.length < max
      ? `<button type="submit" class="button-secondary" name="_action" value="add:${esc(pointer)}" formnovalidate>${esc(tr(ctx.lang, `添加一项${title}`, `Add ${title}`))}</button>` : '';
    return `${wrapOpen(' group')}<fieldset class="group" aria-describedby="${id}-hint"><legend class="legend">${esc(title)}${requiredMark(a.required, ctx.lang)}</legend>`
      + `<p class="hint" id="${id}-hint">${esc(hint ?? tr(ctx.lang, `可填写多项，最多${max}项`, `You can add up to ${max}`))}</p>${errorBlock(id, msgs, ctx.lang)}${condHint}`
      + `<input type="hidden" name="_count${esc(name.slice(1))}" value="${items.length}">${rows}${add}</fieldset>${after}</div>`;
  }

  // Several choices: checkboxes in a fieldset.
  if (type === 'array') {
    const itemOptions = enumOf((schema.items ?? {}) as JsonSchema) ?? [];
    const chosen = new Set((Array.isArray(value) ? value : []).map(String));
    const boxes = itemOptions.map((o, i) => {
      const v = String(o);
      const oid = `${id}-${i}`;
      return `<div class="choice"><input type="checkbox" id="${oid}" name="${name}" value="${esc(v)}"${chosen.has(v) ? ' checked' : ''}>`
        + `<label for="${oid}">${esc(optionLabel((schema.items ?? {}) as JsonSchema, v, ctx.lang, pointer, ctx))}</label>${ctx.afterOption?.(pointer, v) ?? ''}</div>`;
    }).join('');
    return `${wrapOpen()}<fieldset class="choices"${describedBy(id, hint, msgs)}${invalid.replace('aria-invalid', 'data-invalid')}><legend class="legend" id="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</legend>`
      + `${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}<input type="hidden" name="_present${esc(name.slice(1))}" value="1">${boxes}</fieldset>${after}</div>`;
  }

  // Yes or no: a confirmation tick when only "yes" will do, else a pair of radios.
  if (type === 'boolean') {
    if (schema.const === true) {
      return `${wrapOpen(' confirm')}${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="true"${value === true ? ' checked' : ''}${describedBy(id, hint, msgs)}${invalid}${req}>`
        + `<label for="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</label></div><input type="hidden" name="_present${esc(name.slice(1))}" value="1">${after}</div>`;
    }
    const radio = (v: boolean, label: string) => `<div class="choice inline"><input type="radio" id="${id}-${v ? 'yes' : 'no'}" name="${name}" value="${v}"${value === v ? ' checked' : ''}>`
      + `<label for="${id}-${v ? 'yes' : 'no'}">${label}</label></div>`;
    return `${wrapOpen()}<fieldset class="choices"${describedBy(id, hint, msgs)}><legend class="legend" id="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</legend>${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}`
      + `${radio(true, tr(ctx.lang, '是', 'Yes'))}${radio(false, tr(ctx.lang, '否', 'No'))}</fieldset>${after}</div>`;
  }

  // One choice: radios when asked for (or few options), otherwise a select.
  if (options) {
    const current = asString(value);
    if (ui.widget === 'radio') {
      const radios = options.map((o, i) => {
        const v = String(o);
        return `<div class="choice"><input type="radio" id="${id}-${i}" name="${name}" value="${esc(v)}"${current === v ? ' checked' : ''}><label for="${id}-${i}">${esc(optionLabel(schema, v, ctx.lang, pointer, ctx))}</label></div>`;
      }).join('');
      return `${wrapOpen()}<fieldset class="choices"${describedBy(id, hint, msgs)}><legend class="legend" id="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</legend>${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}${radios}</fieldset>${after}</div>`;
    }
    const opts = [`<option value="">${esc(tr(ctx.lang, '请选择', 'Choose'))}</option>`, ...options.map((o) => {
      const v = String(o);
      return `<option value="${esc(v)}"${current === v ? ' selected' : ''}>${esc(optionLabel(schema, v, ctx.lang, pointer, ctx))}</option>`;
    })].join('');
    return `${wrapOpen()}<label class="label" for="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</label>${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}`
      + `<select id="${id}" name="${name}"${describedBy(id, hint, msgs)}${invalid}${req}>${opts}</select>${after}</div>`;
  }

  // Nested object (rare in forms): its fields in a fieldset.
  if (type === 'object') {
    return `${wrapOpen(' group')}<fieldset class="group"><legend class="legend">${esc(title)}</legend>${errorBlock(id, msgs, ctx.lang)}${renderObject(schema, pointer, (value ?? {}) as Record<string, unknown>, ctx)}</fieldset>${after}</div>`;
  }

  const str = asString(value);
  if (ui.widget === 'textarea' || (typeof schema.maxLength === 'number' && schema.maxLength > 200 && type === 'string' && !schema.format)) {
    return `${wrapOpen()}<label class="label" for="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</label>${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}`
      + `<textarea id="${id}" name="${name}" rows="4"${typeof schema.maxLength === 'number' ? ` maxlength="${schema.maxLength}"` : ''}${describedBy(id, hint, msgs)}${invalid}${req}>${esc(str)}</textarea>${after}</div>`;
  }

  let attrs = '';
  let cls = 'input';
  const format = schema.format as string | undefined;
  if (format === 'date') attrs = ' type="date"';
  else if (ui.widget === 'month') attrs = ' type="month" placeholder="2026-09"';
  else if (format === 'cn-id-number') { attrs = ' type="text" autocomplete="off" spellcheck="false" maxlength="18" data-id-number'; cls += ' width-20'; }
  else if (format === 'cn-mobile') { attrs = ' type="tel" inputmode="numeric" autocomplete="off" maxlength="11"'; cls += ' width-12'; }
  else if (format === 'bank-card') { attrs = ' type="text" inputmode="numeric" autocomplete="off" maxlength="19"'; cls += ' width-20'; }
  else if (type === 'integer' || type === 'number') {
    attrs = ` type="text" inputmode="${type === 'integer' ? 'numeric' : 'decimal'}"${isMoneyFen(schema) ? ' data-fen' : ''}`;
    cls += ' width-10';
  } else {
    attrs = ' type="text"';
    if (typeof schema.maxLength === 'number') attrs += ` maxlength="${schema.maxLength}"`;
  }
  if (ui.placeholder) attrs += ` placeholder="${esc(ui.placeholder)}"`;
  const suffix = isMoneyFen(schema) ? `<span class="suffix">${tr(ctx.lang, '分', 'fen')}</span><span class="money-echo" aria-live="polite" data-fen-echo="${id}">${typeof value === 'number' ? esc(yuan(value)) : ''}</span>` : '';
  return `${wrapOpen()}<label class="label" for="${id}">${esc(title)}${requiredMark(a.required, ctx.lang)}</label>${hintHtml}${errorBlock(id, msgs, ctx.lang)}${condHint}`
    + `<input class="${cls}" id="${id}" name="${name}"${attrs} value="${esc(str)}"${describedBy(id, hint, msgs)}${invalid}${req}>${suffix}${after}</div>`;
}

function renderObject(schema: JsonSchema, pointer: string, data: Record<string, unknown>, ctx: RenderContext): string {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const conds = conditionsOf(schema);
  return propertiesOf(schema).map(([key, prop]) => renderField({
    schema: prop, pointer: `${pointer}/${key}`, key, value: data[key], required: required.has(key) || conds.has(key), cond: conds.get(key), base: pointer,
  }, ctx)).join('');
}

/** The fields of a form (no <form> element: the page supplies it, with the CSRF token and buttons). */
export function renderForm(schema: JsonSchema, data: Record<string, unknown>, ctx: RenderContext): string {
  return renderObject(schema, '', data, ctx);
}

/** The error summary at the top: one link per problem, to the field it concerns. */
export function errorList(schema: JsonSchema | null, errors: Errors, lang: Lang): { href: string | null; text: string }[] {
  const out: { href: string | null; text: string }[] = [];
  // In the order of the fields on the page; problems of the whole form first.
  const order = new Map((schema ? propertiesOf(schema) : []).map(([k], i) => [k, i]));
  const rank = (p: string) => (p ? (order.get(p.split('/')[1] ?? '') ?? 999) : -1);
  const sorted = [...errors].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  for (const [pointer, msgs] of sorted) {
    const target = pointer && schema && schemaAt(schema, pointer) ? `#${fieldId(pointer)}` : null;
    // Inside a repeating group, say which item: 家庭成员第2项：「姓名」为必填项.
    const m = /^(.*)\/(\d+)\/[^/]+/.exec(pointer);
    const group = m && schema ? schemaAt(schema, m[1]!) : undefined;
    const prefix = group && m ? tr(lang, `${titleOf(group, lang, '')}第${Number(m[2]) + 1}项：`, `${titleOf(group, lang, '')} #${Number(m[2]) + 1}: `) : '';
    for (const text of msgs) out.push({ href: target, text: `${prefix}${text}` });
  }
  return out;
}

/** The schema of the value at a JSON Pointer, if the form has such a field. */
export function schemaAt(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  for (const part of pointer.split('/').slice(1)) {
    if (!s) return undefined;
    if (typeOf(s) === 'array') s = s.items as JsonSchema | undefined;
    else s = Object.fromEntries(propertiesOf(s))[part];
  }
  return s;
}

// ---------------------------------------------------------------- reading a posted form

export interface ParseResult {
  /** What the clerk entered, typed where it could be; text that is not a number stays text (shown back as typed). */
  data: Record<string, unknown>;
  /** Problems found while reading (a number that is not one). */
  errors: Errors;
  /** Pointers whose value is raw text kept only to show it back (left out of validation). */
  raw: Set<string>;
}

function addError(errors: Errors, pointer: string, message: string): void {
  errors.set(pointer, [...(errors.get(pointer) ?? []), message]);
}

function parseScalar(schema: JsonSchema, pointer: string, get: Get, res: ParseResult, lang: Lang, required: boolean): unknown {
  const name = fieldName(pointer);
  const type = typeOf(schema);
  const raw = get(name)[0];
  const present = get(`_present${name.slice(1)}`).length > 0;
  if (type === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    // An unticked confirmation box is a "no" the validator can explain (x-error), when the form showed it.
    if (schema.const === true && present) return required ? false : undefined;
    return undefined;
  }
  const text = raw?.replace(/\r\n/g, '\n').trim();
  if (text === undefined || text === '') return undefined;
  if (type === 'integer' || type === 'number') {
    const cleaned = text.replace(/[,，\s]/g, '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
    const ok = type === 'integer' ? /^-?\d+$/.test(cleaned) : /^-?\d+(\.\d+)?$/.test(cleaned);
    if (!ok || !Number.isSafeInteger(Math.trunc(Number(cleaned)))) {
      const title = titleOf(schema, lang, pointer.split('/').pop()!);
      addError(res.errors, pointer, isMoneyFen(schema)
        ? tr(lang, `「${title}」请填写以“分”为单位的整数，如 120000`, `${title}: enter whole fen, e.g. 120000`)
        : type === 'integer' ? tr(lang, `「${title}」请填写整数`, `${title}: enter a whole number`) : tr(lang, `「${title}」请填写数字`, `${title}: enter a number`));
      res.raw.add(pointer);
      return text;
    }
    return Number(cleaned);
  }
  if (schema.format === 'cn-id-number' || schema.format === 'bank-card' || schema.format === 'cn-mobile') return text.replace(/\s/g, '').toUpperCase();
  return text;
}

function parseValue(schema: JsonSchema, pointer: string, get: Get, res: ParseResult, lang: Lang, required: boolean, keepEmpty: boolean): unknown {
  const type = typeOf(schema);
  const name = fieldName(pointer);
  if (type === 'array' && typeOf((schema.items ?? {}) as JsonSchema) === 'object') {
    const count = Math.min(Number(get(`_count${name.slice(1)}`)[0] ?? 0) || 0, 100);
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const item = parseObject(schema.items as JsonSchema, `${pointer}/${items.length}`, get, res, lang, keepEmpty, `${pointer}/${i}`);
      if (keepEmpty || Object.keys(item).length > 0) items.push(item);
    }
    return items.length || required ? items : undefined;
  }
  if (type === 'array') {
    const values = get(name).filter((v) => v !== '');
    const itemType = typeOf((schema.items ?? {}) as JsonSchema);
    const typed: unknown[] = itemType === 'integer' || itemType === 'number' ? values.map(Number) : values;
    return typed.length || required ? [...new Set(typed)] : undefined;
  }
  if (type === 'object') {
    const obj = parseObject(schema, pointer, get, res, lang, keepEmpty);
    return Object.keys(obj).length ? obj : undefined;
  }
  if (enumOf(schema) && (type === 'integer' || type === 'number')) {
    const raw = get(name)[0];
    return raw === undefined || raw === '' ? undefined : Number(raw);
  }
  return parseScalar(schema, pointer, get, res, lang, required);
}

/**
 * Reads an object's fields. `source` is where the fields were posted (a removed group item
 * shifts the later ones down: item 3 is read from `.3` but becomes `/2`).
 */
function parseObject(schema: JsonSchema, pointer: string, get: Get, res: ParseResult, lang: Lang, keepEmpty: boolean, source = pointer): Record<string, unknown> {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  const from = `${fieldName(pointer).slice(1)}.`;
  const to = `${fieldName(source).slice(1)}.`;
  const shifted: Get = source === pointer ? get : (n) => get(n.replace(from, to));
  for (const [key, prop] of propertiesOf(schema)) {
    const v = parseValue(prop, `${pointer}/${key}`, shifted, res, lang, required.has(key), keepEmpty);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Reads a posted form back into data shaped by its schema. */
export function parseForm(schema: JsonSchema, get: Get, lang: Lang, opts: { keepEmpty?: boolean } = {}): ParseResult {
  const res: ParseResult = { data: {}, errors: new Map(), raw: new Set() };
  res.data = parseObject(schema, '', get, res, lang, opts.keepEmpty ?? false);
  return res;
}

/** The data without the raw text kept for showing back (what the validator should see). */
export function withoutRaw(data: Record<string, unknown>, raw: Set<string>): Record<string, unknown> {
  if (!raw.size) return data;
  const copy = structuredClone(data);
  for (const p of raw) {
    const parts = p.split('/').slice(1);
    let o: Record<string, unknown> | undefined = copy;
    for (const k of parts.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    if (o) delete o[parts[parts.length - 1]!];
  }
  return copy;
}

/** Adds an empty item to a repeating group, or removes one (the add/remove buttons). */
export function applyGroupAction(schema: JsonSchema, data: Record<string, unknown>, action: string): boolean {
  const m = /^(add|remove):((?:\/[A-Za-z0-9_-]+)+)$/.exec(action);
  if (!m) return false;
  const parts = m[2]!.split('/').slice(1);
  if (m[1] === 'add') {
    if (!schemaAt(schema, m[2]!)) return false;
    let o: Record<string, unknown> = data;
    for (const k of parts.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    const last = parts[parts.length - 1]!;
    const list = Array.isArray(o[last]) ? (o[last] as unknown[]) : [];
    list.push({});
    o[last] = list;
    return true;
  }
  const index = Number(parts.pop());
  let o: Record<string, unknown> | undefined = data;
  for (const k of parts.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
  const list = o?.[parts[parts.length - 1]!];
  if (!Array.isArray(list) || !Number.isInteger(index)) return false;
  list.splice(index, 1);
  return true;
}

// ---------------------------------------------------------------- showing answers back

export interface AnswerRow {
  pointer: string;
  id: string;
  label: string;
  value: string;
  /** Nested rows (group items). */
  items?: { label: string; rows: AnswerRow[] }[];
}

function displayValue(schema: JsonSchema, value: unknown, pointer: string, lang: Lang, ctx?: Pick<RenderContext, 'enumLabel'>): string {
  if (value === undefined || value === null || value === '') return tr(lang, '（未填写）', '(not given)');
  const type = typeOf(schema);
  if (type === 'boolean') return value === true ? tr(lang, '是', 'Yes') : value === false ? tr(lang, '否', 'No') : String(value);
  if (type === 'array') {
    const list = Array.isArray(value) ? value : [];
    if (!list.length) return tr(lang, '（无）', '(none)');
    return list.map((v) => optionLabel((schema.items ?? {}) as JsonSchema, v, lang, pointer, ctx)).join(lang === 'en' ? ', ' : '、');
  }
  if (enumOf(schema)) return optionLabel(schema, value, lang, pointer, ctx);
  if (isMoneyFen(schema) && typeof value === 'number') return `${value} ${tr(lang, '分', 'fen')}（${yuan(value)}）`;
  return String(value);
}

/** The answers of a form as label/value rows (check-your-answers, the case data panel). */
export function answerRows(schema: JsonSchema, data: Record<string, unknown>, lang: Lang, ctx?: Pick<RenderContext, 'enumLabel'>, pointer = ''): AnswerRow[] {
  const rows: AnswerRow[] = [];
  for (const [key, prop] of propertiesOf(schema)) {
    const p = `${pointer}/${key}`;
    const value = data[key];
    const label = titleOf(prop, lang, key);
    if (typeOf(prop) === 'array' && typeOf((prop.items ?? {}) as JsonSchema) === 'object') {
      const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      rows.push({
        pointer: p, id: fieldId(p), label, value: list.length ? tr(lang, `共${list.length}项`, `${list.length} item(s)`) : tr(lang, '（无）', '(none)'),
        items: list.map((item, i) => ({ label: `${label} ${tr(lang, `第${i + 1}项`, `#${i + 1}`)}`, rows: answerRows(prop.items as JsonSchema, item ?? {}, lang, ctx, `${p}/${i}`) })),
      });
      continue;
    }
    if (value === undefined && conditionsOf(schema).has(key)) continue;
    rows.push({ pointer: p, id: fieldId(p), label, value: displayValue(prop, value, p, lang, ctx) });
  }
  return rows;
}
