/**
 * What each field of a form shows, worked out from its schema, value and errors: the model the
 * widget templates (templates/pages/form/) render. Every control has a label (fieldsets with
 * legends for groups); hints and errors are tied to it with aria-describedby, invalid ones carry
 * aria-invalid.
 */
import type { JsonSchema } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { formatYuan, plainYuan } from '../money/yuan.ts';
import { isMoney } from '../definitions/money-fields.ts';
import {
  companionName, conditionsOf, enumOf, fieldId, fieldName, isGroup, itemsOf, optionLabel, propertiesOf,
  requiredOf, titleOf, typeOf, uiOf,
  type Choices, type Condition, type Errors,
} from './form-schema.ts';

/** A file already attached, as a thumbnail link. */
export interface FileThumb {
  href: string;
  thumb: string;
  isPdf: boolean;
  filename: string;
}

/** A file box: its label, an optional hidden part of the label, an optional hint below. */
export interface UploadBox {
  id: string;
  name: string;
  text: string;
  hidden?: string;
  hint?: string;
  /** The types the box offers, when its material takes fewer than all (a photo: JPEG). */
  accept?: string;
}

/** What the materials checklist shows under one material: received before, its files, a file box. */
export interface MaterialFiles {
  receivedEarlier?: string;
  files: FileThumb[];
  upload: UploadBox;
}

export interface RenderContext {
  lang: Lang;
  errors: Errors;
  /** Labels beyond the field's own: the item's materials. */
  choices?: Choices;
  /** The files of one option of a checkbox group (the materials checklist). */
  afterOption?: (pointer: string, value: string) => MaterialFiles | undefined;
  /** The person file's values (def.prefill): an answer still equal to one is marked as taken from the file. */
  fromFile?: Record<string, unknown>;
}

interface Attr {
  name: string;
  /** Absent for an attribute without a value (`data-yuan`). */
  value?: string;
}

interface Option {
  id: string;
  value: string;
  label: string;
  checked: boolean;
  extra?: MaterialFiles;
}

interface FieldBase {
  id: string;
  name: string;
  title: string;
  hint?: string;
  errors: { id: string; text: string }[];
  /** The ids aria-describedby lists, or '' for none. */
  describedBy: string;
  invalid: boolean;
  required: boolean;
  /** Shown only when another field has one of some values (the page's script hides it otherwise). */
  condition?: { field: string; values: string };
}

export type FieldModel = FieldBase & (
  | { widget: 'group'; groupHint: string; countName: string; count: number; items: { id: string; legend: string; fields: FieldModel[]; remove: string; removeText: string }[]; add?: { value: string; text: string } }
  | { widget: 'checkboxes'; presentName: string; options: Option[] }
  | { widget: 'confirm'; presentName: string; checked: boolean }
  | { widget: 'radios'; inline: boolean; options: Option[] }
  | { widget: 'select'; chooseText: string; options: Option[] }
  | { widget: 'object'; fields: FieldModel[] }
  | { widget: 'textarea'; value: string; maxlength?: string }
  | { widget: 'input'; inputClass: string; attrs: Attr[]; value: string; yuan?: { unit: string; echo: string } }
);

function hintOf(schema: JsonSchema, lang: Lang, fromFile: boolean): string | undefined {
  const parts: string[] = [];
  if (fromFile) parts.push(message(lang, 'PREFILL_FROM_FILE'));
  if (typeof schema.description === 'string') parts.push(schema.description);
  const format = schema.format;
  if (format === 'date') parts.push(message(lang, 'FORM_HINT_DATE'));
  if (format === 'cn-id-number') parts.push(message(lang, 'FORM_HINT_ID_NUMBER'));
  if (format === 'cn-mobile') parts.push(message(lang, 'FORM_HINT_MOBILE'));
  if (format === 'bank-card') parts.push(message(lang, 'FORM_HINT_BANK_CARD'));
  if (uiOf(schema).widget === 'month') parts.push(message(lang, 'FORM_HINT_MONTH'));
  const type = typeOf(schema);
  if (isMoney(schema)) {
    parts.push(message(lang, 'MONEY_HINT'));
    if (typeof schema.minimum === 'number' && schema.minimum > 0) parts.push(message(lang, 'MONEY_HINT_MIN', { min: formatYuan(schema.minimum) }));
  } else if ((type === 'integer' || type === 'number') && !enumOf(schema)) {
    const min = schema.minimum;
    const max = schema.maximum;
    if (min !== undefined && max !== undefined) parts.push(message(lang, 'FORM_HINT_RANGE', { min, max }));
    else if (min !== undefined) parts.push(message(lang, 'FORM_HINT_MIN', { min }));
  }
  if (type === 'array' && typeof schema.minItems === 'number' && schema.minItems > 0 && enumOf(itemsOf(schema))) {
    parts.push(message(lang, 'FORM_HINT_CHOOSE_AT_LEAST', { n: schema.minItems }));
  }
  return parts.length ? parts.join('；') : undefined;
}

function asString(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The attributes of a one-line input, by the kind of value it takes. */
function inputAttrs(schema: JsonSchema): { inputClass: string; attrs: Attr[] } {
  const ui = uiOf(schema);
  const type = typeOf(schema);
  const format = schema.format;
  const a = (name: string, value?: string): Attr => ({ name, value });
  let out: { inputClass: string; attrs: Attr[] };
  if (format === 'date') out = { inputClass: 'input', attrs: [a('type', 'date')] };
  else if (ui.widget === 'month') out = { inputClass: 'input', attrs: [a('type', 'month'), a('placeholder', '2026-09')] };
  else if (format === 'cn-id-number') {
    out = { inputClass: 'input width-20', attrs: [a('type', 'text'), a('autocomplete', 'off'), a('spellcheck', 'false'), a('maxlength', '18'), a('data-id-number')] };
  } else if (format === 'cn-mobile') out = { inputClass: 'input width-12', attrs: [a('type', 'tel'), a('inputmode', 'numeric'), a('autocomplete', 'off'), a('maxlength', '11')] };
  else if (format === 'bank-card') out = { inputClass: 'input width-20', attrs: [a('type', 'text'), a('inputmode', 'numeric'), a('autocomplete', 'off'), a('maxlength', '19')] };
  else if (type === 'integer' || type === 'number') {
    const money = isMoney(schema);
    out = { inputClass: 'input width-10', attrs: [a('type', 'text'), a('inputmode', type === 'integer' && !money ? 'numeric' : 'decimal'), ...(money ? [a('data-yuan')] : [])] };
  } else out = { inputClass: 'input', attrs: [a('type', 'text'), ...(typeof schema.maxLength === 'number' ? [a('maxlength', String(schema.maxLength))] : [])] };
  if (ui.placeholder) out.attrs.push(a('placeholder', ui.placeholder));
  return out;
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

function fieldModel(a: FieldArgs, ctx: RenderContext): FieldModel {
  const { schema, pointer, value, required } = a;
  const { lang } = ctx;
  const id = fieldId(pointer);
  const name = fieldName(pointer);
  const title = titleOf(schema, lang, a.key);
  const filed = ctx.fromFile?.[pointer.slice(1)];
  const hint = hintOf(schema, lang, filed !== undefined && filed === value);
  const msgs = ctx.errors.get(pointer) ?? [];
  const errors = msgs.map((text, i) => ({ id: `${id}-error${i ? `-${i}` : ''}`, text }));
  const base: FieldBase = {
    id, name, title, hint, errors, required, invalid: msgs.length > 0,
    describedBy: [...(hint ? [`${id}-hint`] : []), ...errors.map((e) => e.id)].join(' '),
    condition: a.cond && { field: fieldName(`${a.base}/${a.cond.field}`), values: JSON.stringify(a.cond.values.map(String)) },
  };
  const ui = uiOf(schema);
  const type = typeOf(schema);
  const options = enumOf(schema);
  const choice = (o: unknown, i: number, checked: (v: string) => boolean): Option => {
    const v = String(o);
    return { id: `${id}-${i}`, value: v, label: optionLabel(schema, v, lang, ctx.choices), checked: checked(v) };
  };

  // Repeating group: one fieldset per item, add and remove buttons that work without JavaScript.
  if (isGroup(schema)) {
    const items = Array.isArray(value) ? (value as unknown[]) : [];
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : 50;
    return {
      ...base, widget: 'group', groupHint: hint ?? message(lang, 'FORM_HINT_GROUP', { max }), countName: companionName('_count', pointer), count: items.length,
      items: items.map((item, i) => ({
        id: `${id}-${i}`, legend: `${title} ${message(lang, 'FORM_GROUP_ITEM', { n: i + 1 })}`,
        fields: objectFields(itemsOf(schema), `${pointer}/${i}`, (item ?? {}) as Record<string, unknown>, ctx),
        remove: `remove:${pointer}/${i}`, removeText: message(lang, 'FORM_GROUP_REMOVE', { n: i + 1 }),
      })),
      add: items.length < max ? { value: `add:${pointer}`, text: message(lang, 'FORM_GROUP_ADD', { title }) } : undefined,
    };
  }
  // Several choices: checkboxes in a fieldset.
  if (type === 'array') {
    const chosen = new Set((Array.isArray(value) ? value : []).map(String));
    const itemSchema = itemsOf(schema);
    return {
      ...base, widget: 'checkboxes', presentName: companionName('_present', pointer),
      options: (enumOf(itemSchema) ?? []).map((o, i) => ({
        ...choice(o, i, (v) => chosen.has(v)), extra: ctx.afterOption?.(pointer, String(o)),
      })),
    };
  }
  // Yes or no: a confirmation tick when only "yes" will do, else a pair of radios.
  if (type === 'boolean') {
    if (schema.const === true) return { ...base, widget: 'confirm', presentName: companionName('_present', pointer), checked: value === true };
    const yesNo = (v: boolean): Option => ({ id: `${id}-${v ? 'yes' : 'no'}`, value: String(v), label: message(lang, v ? 'FORM_YES' : 'FORM_NO'), checked: value === v });
    return { ...base, widget: 'radios', inline: true, options: [yesNo(true), yesNo(false)] };
  }
  // One choice: radios when asked for, otherwise a select.
  if (options) {
    const current = asString(value);
    const list = options.map((o, i) => choice(o, i, (v) => current === v));
    if (ui.widget === 'radio') return { ...base, widget: 'radios', inline: false, options: list };
    return { ...base, widget: 'select', chooseText: message(lang, 'FORM_CHOOSE'), options: list };
  }
  // Nested object (rare in forms): its fields in a fieldset.
  if (type === 'object') return { ...base, widget: 'object', fields: objectFields(schema, pointer, (value ?? {}) as Record<string, unknown>, ctx) };

  // An amount is kept in fen and typed in yuan; text that was not an amount comes back as typed.
  const money = isMoney(schema);
  const str = money && typeof value === 'number' ? plainYuan(value) : asString(value);
  if (ui.widget === 'textarea' || (typeof schema.maxLength === 'number' && schema.maxLength > 200 && type === 'string' && !schema.format)) {
    return { ...base, widget: 'textarea', value: str, maxlength: typeof schema.maxLength === 'number' ? String(schema.maxLength) : undefined };
  }
  const yuan = money ? { unit: message(lang, 'MONEY_UNIT'), echo: typeof value === 'number' ? `= ${formatYuan(value)} ${message(lang, 'MONEY_UNIT')}` : '' } : undefined;
  return { ...base, widget: 'input', ...inputAttrs(schema), value: str, yuan };
}

export function objectFields(
  schema: JsonSchema, pointer: string, data: Record<string, unknown>, ctx: RenderContext,
): FieldModel[] {
  const required = requiredOf(schema);
  const conds = conditionsOf(schema);
  return propertiesOf(schema).map(([key, prop]) => fieldModel({
    schema: prop, pointer: `${pointer}/${key}`, key, value: data[key], required: required.has(key) || conds.has(key), cond: conds.get(key), base: pointer,
  }, ctx));
}
