/** Reading a posted form back into data shaped by its schema, and the add/remove buttons of repeating groups. */
import type { JsonSchema } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { formatYuan, MAX_FEN, parseYuan, type YuanProblem } from '../money/yuan.ts';
import { isMoney } from '../definitions/money-fields.ts';
import { companionName, enumOf, fieldName, isGroup, itemsOf, propertiesOf, requiredOf, schemaAt, titleOf, typeOf, type Errors } from './form-schema.ts';

type Get = (name: string) => string[];

export interface ParseResult {
  /** What the clerk entered, typed where it could be; text that is not a number stays text (shown back as typed). */
  data: Record<string, unknown>;
  /** Problems found while reading (a number that is not one). */
  errors: Errors;
  /** Pointers whose value is raw text kept only to show it back (left out of validation). */
  raw: Set<string>;
}

interface Reading {
  get: Get;
  res: ParseResult;
  lang: Lang;
  keepEmpty: boolean;
}

export function addError(errors: Errors, pointer: string, text: string): void {
  errors.set(pointer, [...(errors.get(pointer) ?? []), text]);
}

function fieldTitleAt(schema: JsonSchema, pointer: string, lang: Lang): string {
  return titleOf(schema, lang, pointer.split('/').pop()!);
}

function notANumber(schema: JsonSchema, pointer: string, lang: Lang): string {
  return message(lang, typeOf(schema) === 'integer' ? 'FORM_ENTER_INTEGER' : 'FORM_ENTER_NUMBER', { title: fieldTitleAt(schema, pointer, lang) });
}

const MONEY_PROBLEMS = {
  format: 'MONEY_ENTER_YUAN', negative: 'MONEY_NEGATIVE', decimals: 'MONEY_TOO_MANY_DECIMALS', 'too-large': 'MONEY_TOO_LARGE',
} as const satisfies Record<YuanProblem, string>;

function notAnAmount(schema: JsonSchema, pointer: string, lang: Lang, problem: YuanProblem): string {
  const title = fieldTitleAt(schema, pointer, lang);
  return message(lang, MONEY_PROBLEMS[problem], { title, max: formatYuan(MAX_FEN) });
}

/** Text the field cannot take: its message beside the field, the text kept to show back, left out of validation. */
function refuse(r: Reading, pointer: string, text: string, why: string): string {
  addError(r.res.errors, pointer, why);
  r.res.raw.add(pointer);
  return text;
}

function parseScalar(schema: JsonSchema, pointer: string, r: Reading, required: boolean): unknown {
  const type = typeOf(schema);
  const raw = r.get(fieldName(pointer))[0];
  const present = r.get(companionName('_present', pointer)).length > 0;
  if (type === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    // An unticked confirmation box is a "no" the validator can explain (x-error), when the form showed it.
    if (schema.const === true && present) return required ? false : undefined;
    return undefined;
  }
  const text = raw?.replace(/\r\n/g, '\n').trim();
  if (text === undefined || text === '') return undefined;
  if (isMoney(schema)) {
    // Typed in yuan, kept in fen (src/money/yuan.ts).
    const amount = parseYuan(text);
    return amount.ok ? amount.fen : refuse(r, pointer, text, notAnAmount(schema, pointer, r.lang, amount.problem));
  }
  if (type === 'integer' || type === 'number') {
    const cleaned = text.replace(/[,，\s]/g, '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
    const ok = type === 'integer' ? /^-?\d+$/.test(cleaned) : /^-?\d+(\.\d+)?$/.test(cleaned);
    if (!ok || !Number.isSafeInteger(Math.trunc(Number(cleaned)))) {
      return refuse(r, pointer, text, notANumber(schema, pointer, r.lang));
    }
    return Number(cleaned);
  }
  if (schema.format === 'cn-id-number' || schema.format === 'bank-card' || schema.format === 'cn-mobile') return text.replace(/\s/g, '').toUpperCase();
  return text;
}

function parseValue(schema: JsonSchema, pointer: string, r: Reading, required: boolean): unknown {
  const type = typeOf(schema);
  const name = fieldName(pointer);
  if (isGroup(schema)) {
    const count = Math.min(Number(r.get(companionName('_count', pointer))[0] ?? 0) || 0, 100);
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const item = parseObject(itemsOf(schema), `${pointer}/${items.length}`, r, `${pointer}/${i}`);
      if (r.keepEmpty || Object.keys(item).length > 0) items.push(item);
    }
    return items.length || required ? items : undefined;
  }
  if (type === 'array') {
    const values = r.get(name).filter((v) => v !== '');
    const itemType = typeOf(itemsOf(schema));
    const typed: unknown[] = itemType === 'integer' || itemType === 'number' ? values.map(Number) : values;
    return typed.length || required ? [...new Set(typed)] : undefined;
  }
  if (type === 'object') {
    const obj = parseObject(schema, pointer, r);
    return Object.keys(obj).length ? obj : undefined;
  }
  if (enumOf(schema) && (type === 'integer' || type === 'number')) {
    const raw = r.get(name)[0];
    return raw === undefined || raw === '' ? undefined : Number(raw);
  }
  return parseScalar(schema, pointer, r, required);
}

/**
 * Reads an object's fields. `source` is where the fields were posted (a removed group item
 * shifts the later ones down: item 3 is read from `.3` but becomes `/2`).
 */
function parseObject(schema: JsonSchema, pointer: string, r: Reading, source = pointer): Record<string, unknown> {
  const required = requiredOf(schema);
  const out: Record<string, unknown> = {};
  const from = `${fieldName(pointer).slice(1)}.`;
  const to = `${fieldName(source).slice(1)}.`;
  const shifted: Reading = source === pointer ? r : { ...r, get: (n) => r.get(n.replace(from, to)) };
  for (const [key, prop] of propertiesOf(schema)) {
    const v = parseValue(prop, `${pointer}/${key}`, shifted, required.has(key));
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Reads a posted form back into data shaped by its schema. */
export function parseForm(schema: JsonSchema, get: Get, lang: Lang, opts: { keepEmpty?: boolean } = {}): ParseResult {
  const res: ParseResult = { data: {}, errors: new Map(), raw: new Set() };
  res.data = parseObject(schema, '', { get, res, lang, keepEmpty: opts.keepEmpty ?? false });
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
