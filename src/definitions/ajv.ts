import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import localizeModule from 'ajv-i18n';
import { customFormats, standardFormatMessages } from './formats.ts';
import { FORM_RULES_KEYWORD, fieldTitle, formRulesMetaSchema } from './form-rules.ts';
import { PLAIN_TEXT_KEYWORD } from './plain-text.ts';
import { message } from '../messages/catalogue.ts';
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

function messageFor(error: ErrorObject, lang: Lang): { path: string; message: string } {
  const parent: JsonSchema = error.parentSchema ?? {};
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const fieldSchema = parent.properties?.[missing];
    const title = fieldTitle(fieldSchema, lang) ?? missing;
    return { path: pointer(error.instancePath, missing), message: message(lang, 'FORM_FIELD_REQUIRED', { title }) };
  }
  const title = fieldTitle(parent, lang);
  if (error.keyword === PLAIN_TEXT_KEYWORD) {
    const field = title ?? (error.instancePath.split('/').pop() ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
    const char = (error.params as { char: string }).char;
    return {
      path: error.instancePath,
      message: message(lang, 'FORM_NOT_TEXT', { field, char }),
    };
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
  } else if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: pointer(error.instancePath, extra), message: message(lang, 'FORM_FIELD_NOT_ALLOWED', { field: extra }) };
  } else text = error.message ?? '';
  return { path: error.instancePath, message: title ? message(lang, 'FORM_FIELD_PROBLEM', { title, problem: text }) : text };
}

/** Field-level errors with JSON Pointers and messages in the client's language. */
export function fieldErrors(errors: ErrorObject[] | null | undefined, lang: Lang): FieldError[] {
  if (!errors?.length) return [];
  const copies = errors.map((e) => ({ ...e }));
  if (lang === 'zh') localize.zh!(copies);
  // oneOf/anyOf summaries repeat what their branches said.
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of copies) {
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const f = messageFor(e, lang);
    const key = `${f.path}\u0000${f.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}

export type { Ajv2020, ValidateFunction };
