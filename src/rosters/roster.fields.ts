import { ajv, fieldErrors, type ValidateFunction } from '../definitions/ajv.ts';
import { choiceLabels } from '../definitions/choice-labels.ts';
import type { JsonSchema, WorkflowDefinition } from '../definitions/definition.types.ts';
import { normalizeText, notTextChar } from '../definitions/plain-text.ts';
import type { Cell } from './roster.parse.ts';

/**
 * What a roster column can be: the subject's own details (ID number, name, phone, village), or a
 * field of the item's forms. A column whose header is a field's Chinese title maps by itself.
 */
export interface RosterField {
  key: string;
  title: string;
  titleEn: string;
  /** The form the field first appears in (null for the subject's own details). */
  form: string | null;
  schema: JsonSchema;
  /** Other headers that mean the same (the subject's details only). */
  aliases: string[];
}

export const SUBJECT_ID = 'person.idNumber';
export const SUBJECT_NAME = 'person.name';
export const SUBJECT_PHONE = 'person.phone';
export const SUBJECT_STATION = 'person.station';

const PERSON_FIELDS: RosterField[] = [
  { key: SUBJECT_ID, title: '公民身份号码', titleEn: 'Citizen ID number', form: null, schema: { type: 'string', format: 'cn-id-number' }, aliases: ['身份证号', '身份证号码', '公民身份证号码', '证件号码', '身份证'] },
  { key: SUBJECT_NAME, title: '姓名', titleEn: 'Name', form: null, schema: { type: 'string', minLength: 1, maxLength: 50 }, aliases: [] },
  { key: SUBJECT_PHONE, title: '手机号码', titleEn: 'Mobile', form: null, schema: { type: 'string', format: 'cn-mobile' }, aliases: ['联系电话', '手机号', '电话'] },
  { key: SUBJECT_STATION, title: '村（社区）', titleEn: 'Village (community)', form: null, schema: { type: 'string', minLength: 1, maxLength: 60 }, aliases: ['所属村（社区）服务站', '村（社区）服务站', '村（居）', '所在村（社区）', '村', '社区'] },
];

/**
 * Headers compared without spaces, required-field stars, a trailing explanation in brackets, or full-width brackets.
 */
function normalizeHeader(h: string): string {
  return h.replace(/[\s\u3000*＊]/g, '').replace(/（/g, '(').replace(/）/g, ')').trim();
}

function withoutNote(h: string): string {
  const n = normalizeHeader(h);
  const stripped = n.replace(/\([^()]*\)$/, '');
  return stripped || n;
}

const cache = new WeakMap<WorkflowDefinition, {
  fields: RosterField[]; byKey: Map<string, RosterField>; validators: Map<string, ValidateFunction>;
}>();

function build(def: WorkflowDefinition) {
  let c = cache.get(def);
  if (c) return c;
  const fields = [...PERSON_FIELDS];
  const seen = new Set(fields.map((f) => f.key));
  for (const [formId, form] of Object.entries(def.forms)) {
    for (const [key, schema] of Object.entries(form.properties ?? {})) {
      if (seen.has(key) || !schema.title || schema.type === 'array' || schema.type === 'object') continue;
      seen.add(key);
      fields.push({ key, title: schema.title, titleEn: schema['x-title-en'] ?? key, form: formId, schema, aliases: [] });
    }
  }
  const validators = new Map<string, ValidateFunction>();
  for (const f of fields) validators.set(f.key, ajv.compile(f.schema));
  c = { fields, byKey: new Map(fields.map((f) => [f.key, f])), validators };
  cache.set(def, c);
  return c;
}

export function rosterFields(def: WorkflowDefinition): RosterField[] {
  return build(def).fields;
}

export function rosterField(def: WorkflowDefinition, key: string): RosterField | undefined {
  return build(def).byKey.get(key);
}

/** The field a header maps to by itself: its exact title, the title without its note in brackets, or an alias. */
export function autoField(def: WorkflowDefinition, header: string): string | undefined {
  const n = normalizeHeader(header);
  if (!n) return undefined;
  const fields = build(def).fields;
  const exact = fields.find((f) => normalizeHeader(f.title) === n || f.aliases.some((a) => normalizeHeader(a) === n));
  if (exact) return exact.key;
  const short = withoutNote(header);
  return fields.find((f) => withoutNote(f.title) === short)?.key;
}

/**
 * The person field an item field is filled from as it is (def.prefill), which a roster column of
 * that field also gives; a field read through a table of values gives no person field back.
 */
export function prefillSource(def: WorkflowDefinition, key: string): string | undefined {
  const source = def.prefill?.[key];
  return typeof source === 'string' ? source : undefined;
}

const TRUE = new Set(['是', '有', 'y', 'yes', 'true', '1', '√', '✓', 'on']);
const FALSE = new Set(['否', '无', 'n', 'no', 'false', '0', '×', '✗', 'off']);

function isoFromParts(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 2026-09-10, 2026/9/10, 2026.9.10, 2026年9月10日, 20260910, or an Excel date serial. */
function parseDate(v: Cell): string | null {
  if (v instanceof Date) return isoFromParts(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  if (typeof v === 'number') {
    if (v > 20000 && v < 80000) { // Excel serial day (1900 system)
      const d = new Date(Date.UTC(1899, 11, 30) + Math.round(v) * 86_400_000);
      return isoFromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    }
    v = String(v);
  }
  if (typeof v !== 'string') return null;
  const s = v.trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/.exec(s);
  if (m) return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

export interface Converted {
  value?: unknown;
  error?: string;
}

/**
 * Turns a cell into the field's value: dates into YYYY-MM-DD, 是/否 into booleans, the labels a
 * clerk sees (上半年) into the stored code (first-half), numbers from text; then checks it
 * against the field's schema. Empty cells give no value.
 */
export function convertCell(def: WorkflowDefinition, key: string, cell: Cell): Converted {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return {};
  const c = build(def);
  const field = c.byKey.get(key)!;
  const s = field.schema;
  let value: unknown;
  if (s.format === 'date') {
    value = parseDate(cell);
    if (value === null) return { error: '日期格式不正确（如2026-09-10）' };
  } else if (s.type === 'boolean') {
    const t = String(cell).trim().toLowerCase();
    if (typeof cell === 'boolean') value = cell;
    else if (TRUE.has(t)) value = true;
    else if (FALSE.has(t)) value = false;
    else return { error: '应填“是”或“否”' };
  } else if (s.type === 'integer' || s.type === 'number') {
    const n = typeof cell === 'number' ? cell : Number(String(cell).replace(/[,，\s]/g, ''));
    if (!Number.isFinite(n)) return { error: '应为数字' };
    value = n;
  } else {
    if (typeof cell === 'number' && (s.format === 'cn-id-number' || s.format === 'bank-card') && !Number.isSafeInteger(cell)) {
      return { error: '号码被表格存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写' };
    }
    let t = cell instanceof Date ? parseDate(cell) ?? '' : String(cell).trim();
    if (s.format === 'cn-id-number') t = t.replace(/\s/g, '').toUpperCase();
    if (s.format === 'bank-card' || s.format === 'cn-mobile') t = t.replace(/[\s-]/g, '');
    const text = normalizeText(t);
    value = text;
    const char = notTextChar(text);
    if (char) return { error: `含有不能使用的控制字符或分隔符（${char}），请删除后重新填写` };
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value)) {
    const byLabel = Object.entries(choiceLabels(s)).find(([, l]) => l === value);
    if (byLabel) value = byLabel[0];
  }
  const validate = c.validators.get(key)!;
  if (!validate(value)) {
    const errs = fieldErrors(validate.errors, 'zh');
    return { error: errs.map((e) => e.message.replace(/^「[^」]*」/, '')).join('；') || '不符合要求' };
  }
  return { value };
}
