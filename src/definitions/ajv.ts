import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import localizeModule from 'ajv-i18n';
import { customFormats, standardFormatMessages } from './formats.ts';
import { FORM_RULES_KEYWORD, fieldTitle, formRulesMetaSchema } from './form-rules.ts';
import { PLAIN_TEXT_KEYWORD } from './plain-text.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { FieldError } from '../messages/field-error.ts';
import type { Lang } from '../messages/lang.ts';
import type { JsonSchema } from './definition.types.ts';
import { formatYuan } from '../money/yuan.ts';
import { isMoney } from './money-fields.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const localize = localizeModule as unknown as Record<string, (errors: ErrorObject[]) => void>;

/**
 * An ajv instance that knows our formats and the annotation keywords forms carry; `formRules:
 * false` for route schemas, which have no cross-field rules (the keyword's meta-schema costs
 * ~90 ms to compile, at start-up).
 */
export function createAjv(opts: { coerceTypes?: boolean; useDefaults?: boolean; formRules?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true,
    coerceTypes: opts.coerceTypes ?? false, useDefaults: opts.useDefaults ?? false,
  });
  addFormats(ajv);
  for (const [name, f] of Object.entries(customFormats)) ajv.addFormat(name, { type: 'string', validate: f.validate });
  // Annotations for people and pages, not for validation.
  for (const keyword of ['x-ui', 'x-error', 'x-title-en', 'x-sensitive', 'x-prefill', 'x-raw']) ajv.addKeyword({ keyword, schemaType: ['object', 'string', 'boolean'] });
  // Cross-field rules are checked after ajv, with the service's date (src/definitions/form-rules.ts).
  if (opts.formRules !== false) ajv.addKeyword({ keyword: FORM_RULES_KEYWORD, schemaType: 'array', metaSchema: formRulesMetaSchema });
  return ajv;
}

/** One shared instance: compiled validators are cached by schema identity. */
export const ajv = createAjv();

function pointer(base: string, child?: string): string {
  if (child === undefined) return base || '';
  return `${base}/${child.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

type Params = Record<string, unknown>;

/** The schema of the value at a JSON Pointer of the data: through properties (a conditional's too) and list items. */
function schemaAtPointer(root: JsonSchema | undefined, instancePath: string): JsonSchema | undefined {
  let s = root;
  for (const raw of instancePath.split('/').slice(1)) {
    if (!s) return undefined;
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (s.items && /^\d+$/.test(part)) s = s.items;
    else {
      const blocks = [s, ...(s.allOf ?? [])].flatMap((b) => [b.properties, b.then?.properties, b.else?.properties]);
      s = blocks.map((props) => props?.[part]).find(Boolean);
    }
  }
  return s;
}

/**
 * What a field is called in a message: its title; for one value of a list (a choice not offered),
 * the list's title; else its name in the data.
 */
function titleFor(error: ErrorObject, lang: Lang, root: JsonSchema | undefined): string | undefined {
  const parent = error.parentSchema as JsonSchema | undefined;
  const own = fieldTitle(parent, lang) ?? fieldTitle(schemaAtPointer(root, error.instancePath), lang);
  if (own) return own;
  const parts = error.instancePath.split('/').slice(1);
  while (parts.length > 1 && /^\d+$/.test(parts.at(-1)!)) {
    parts.pop();
    const list = fieldTitle(schemaAtPointer(root, `/${parts.join('/')}`), lang);
    if (list) return list;
  }
  return parts.at(-1)?.replaceAll('~1', '/').replaceAll('~0', '~');
}

const LIMIT_KEYS: Partial<Record<string, MessageKey>> = {
  minimum: 'FORM_MSG_MINIMUM', maximum: 'FORM_MSG_MAXIMUM',
  exclusiveMinimum: 'FORM_MSG_EXCLUSIVE_MINIMUM', exclusiveMaximum: 'FORM_MSG_EXCLUSIVE_MAXIMUM',
  maxLength: 'FORM_MSG_MAX_LENGTH',
  formatMinimum: 'FORM_MSG_DATE_MINIMUM', formatMaximum: 'FORM_MSG_DATE_MAXIMUM',
  formatExclusiveMinimum: 'FORM_MSG_DATE_EXCLUSIVE_MINIMUM', formatExclusiveMaximum: 'FORM_MSG_DATE_EXCLUSIVE_MAXIMUM',
};

const TYPE_KEYS: Record<string, MessageKey> = {
  integer: 'FORM_MSG_TYPE_INTEGER', number: 'FORM_MSG_TYPE_NUMBER', boolean: 'FORM_MSG_TYPE_BOOLEAN',
  string: 'FORM_MSG_TYPE_STRING', array: 'FORM_MSG_TYPE_LIST', object: 'FORM_MSG_TYPE_OBJECT',
};

/** A sentence about the field for the keywords forms use, or undefined for ajv's own words. */
function sentence(error: ErrorObject, title: string, lang: Lang): string | undefined {
  const p = error.params as Params;
  const limitKey = LIMIT_KEYS[error.keyword];
  if (limitKey) return message(lang, limitKey, { title, limit: String(p.limit) });
  const isChoice = (error.parentSchema as JsonSchema | undefined)?.items?.enum !== undefined;
  switch (error.keyword) {
    case 'minLength': return message(lang, p.limit === 1 ? 'FORM_MSG_EMPTY' : 'FORM_MSG_MIN_LENGTH', { title, limit: String(p.limit) });
    case 'minItems': return message(lang, isChoice ? 'FORM_MSG_MIN_CHOICES' : 'FORM_MSG_MIN_ITEMS', { title, limit: String(p.limit) });
    case 'maxItems': return message(lang, isChoice ? 'FORM_MSG_MAX_CHOICES' : 'FORM_MSG_MAX_ITEMS', { title, limit: String(p.limit) });
    case 'multipleOf': return message(lang, 'FORM_MSG_MULTIPLE_OF', { title, limit: String(p.multipleOf) });
    case 'uniqueItems': return message(lang, 'FORM_MSG_UNIQUE_ITEMS', { title });
    case 'pattern': return message(lang, 'FORM_MSG_PATTERN', { title });
    case 'enum': return message(lang, 'FORM_MSG_ENUM', { title });
    case 'not': return message(lang, 'FORM_MSG_NOT', { title });
    case 'const': return p.allowedValue === true ? message(lang, 'FORM_MSG_CONST_TRUE', { title }) : message(lang, 'FORM_MSG_CONST', { title, value: String(p.allowedValue) });
    case 'type': {
      const types = String(p.type).split(',').filter((x) => x !== 'null');
      const key = TYPE_KEYS[types[0] ?? ''];
      return key && message(lang, key, { title });
    }
    default: return undefined;
  }
}

function messageFor(error: ErrorObject, lang: Lang, root: JsonSchema | undefined): { path: string; message: string } {
  const parent: JsonSchema = error.parentSchema ?? {};
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const fieldSchema = parent.properties?.[missing];
    const title = fieldTitle(fieldSchema, lang) ?? missing;
    return { path: pointer(error.instancePath, missing), message: message(lang, 'FORM_FIELD_REQUIRED', { title }) };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: pointer(error.instancePath, extra), message: message(lang, 'FORM_FIELD_NOT_ALLOWED', { field: extra }) };
  }
  const title = titleFor(error, lang, root);
  if (error.keyword === PLAIN_TEXT_KEYWORD) {
    const char = (error.params as { char: string }).char;
    return { path: error.instancePath, message: message(lang, 'FORM_NOT_TEXT', { field: title ?? '', char }) };
  }
  const custom = parent['x-error'];
  let text: string;
  if (custom) text = custom[lang];
  else if (isMoney(parent) && (error.keyword === 'minimum' || error.keyword === 'maximum')) {
    // The limit is in fen; people read amounts in yuan.
    const limit = formatYuan((error.params as { limit: number }).limit);
    const field = title ?? error.instancePath.split('/').pop() ?? '';
    return { path: error.instancePath, message: message(lang, error.keyword === 'minimum' ? 'MONEY_BELOW_MIN' : 'MONEY_ABOVE_MAX', { title: field, min: limit, max: limit }) };
  } else if (error.keyword === 'format') {
    const format = (error.params as { format: string }).format;
    const key = customFormats[format]?.message ?? standardFormatMessages[format];
    text = key ? message(lang, key) : error.message ?? '';
  } else {
    const told = title ? sentence(error, title, lang) : undefined;
    if (told) return { path: error.instancePath, message: told };
    text = error.message ?? '';
  }
  return { path: error.instancePath, message: title ? message(lang, 'FORM_FIELD_PROBLEM', { title, problem: text }) : text };
}

/** Copies of ajv's errors with their messages in `lang` (ajv-i18n's Chinese). */
export function inLanguage(errors: readonly ErrorObject[], lang: Lang): ErrorObject[] {
  const copies = errors.map((e) => ({ ...e }));
  if (lang === 'zh') localize.zh!(copies);
  return copies;
}

/**
 * Field-level errors with JSON Pointers and messages in the client's language: a sentence naming the
 * field by its title ("「家庭人口数」不能超过 10"). `root`, the schema validated, names the list a
 * wrong choice belongs to.
 */
export function fieldErrors(errors: ErrorObject[] | null | undefined, lang: Lang, root?: JsonSchema): FieldError[] {
  if (!errors?.length) return [];
  const copies = inLanguage(errors, lang);
  // oneOf/anyOf summaries repeat what their branches said.
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of copies) {
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const f = messageFor(e, lang, root);
    const key = `${f.path}\u0000${f.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}

export type { Ajv2020, ValidateFunction };
