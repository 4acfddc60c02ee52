import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from './definition.types.ts';

/*
 * Text as people type it, made one form before anything checks or stores it: every string of a
 * request body, a step's form data or a roster cell is put in Unicode NFC (so 张 typed two ways is
 * one name, and one ID-number hash) with line ends as LF, and a string holding a character that
 * is not text is refused with its field named. Refused: controls (Cc) but TAB and LF, format
 * characters (Cf: bidi overrides and isolates, zero-width space, BOM, soft hyphen…) but ZWNJ and
 * ZWJ (emoji and some scripts join with them), the line and paragraph separators (Zl, Zp: U+2028
 * broke every notice of the person named with it) and lone surrogates. Variation selectors (Mn)
 * stay: rare name characters are written with them.
 */
const NOT_TEXT = /(?![\t\n\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/u;

export const PLAIN_TEXT_KEYWORD = 'plainText';

/** The character a string may not hold, as U+XXXX, or null when it is text. */
export function notTextChar(value: string): string | null {
  const m = NOT_TEXT.exec(value);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** NFC with LF line ends. */
export function normalizeText(value: string): string {
  const lf = value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
  return lf.normalize('NFC');
}

function childSchema(s: JsonSchema | undefined, key: string | number): JsonSchema | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (typeof key === 'number') {
    const prefix = s.prefixItems?.[key];
    if (prefix) return prefix;
    if (s.items && typeof s.items === 'object') return s.items;
  } else {
    const own = s.properties?.[key];
    if (own) return own;
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const sub of s[k] ?? []) {
      const found = childSchema(sub, key);
      if (found) return found;
    }
  }
  for (const k of ['then', 'else'] as const) {
    const found = childSchema(s[k], key);
    if (found) return found;
  }
  if (typeof key === 'string' && s.additionalProperties && typeof s.additionalProperties === 'object') return s.additionalProperties;
  return undefined;
}

function pointerToken(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Normalises every string under `data` in place and returns an ajv-shaped error (keyword
 * `plainText`, its field's schema as parentSchema for the title) for each one that is not text.
 * Strings under a schema marked `x-raw` (passwords) are left exactly as sent.
 */
function checkPlainText(data: unknown, schema: JsonSchema | undefined): ErrorObject[] {
  const errors: ErrorObject[] = [];
  // A stack, not recursion: a body may nest thousands of arrays deep.
  const stack: { value: unknown; at: string; s: JsonSchema | undefined; set: (v: string) => void }[] = [{ value: data, at: '', s: schema, set: () => {} }];
  while (stack.length > 0) {
    const { value, at, s, set } = stack.pop()!;
    if (s?.['x-raw'] === true) continue;
    if (typeof value === 'string') {
      const normal = normalizeText(value);
      if (normal !== value) set(normal);
      const char = notTextChar(normal);
      if (char) errors.push({ keyword: PLAIN_TEXT_KEYWORD, instancePath: at, schemaPath: `#/${PLAIN_TEXT_KEYWORD}`, params: { char }, parentSchema: s ?? {} } as ErrorObject);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], at: `${at}/${i}`, s: childSchema(s, i), set: (n) => { value[i] = n; } });
    } else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const key of Object.keys(o).reverse()) stack.push({ value: o[key], at: `${at}/${pointerToken(key)}`, s: childSchema(s, key), set: (n) => { o[key] = n; } });
    }
  }
  return errors;
}

/**
 * A validator that first normalises the data's text and refuses what is not text (checkPlainText),
 * then runs `validate`; the errors of both come out together. For what people send (request
 * bodies, form data), not for conditions over stored data (guards, eligibility).
 */
export function withPlainText<T>(validate: ValidateFunction<T>): ValidateFunction<T> {
  const wrapped = ((data: unknown, ctx?: unknown) => {
    const textErrors = checkPlainText(data, validate.schema as JsonSchema);
    const ok = (validate as (d: unknown, c?: unknown) => boolean)(data, ctx);
    const all = [...textErrors, ...(ok ? [] : validate.errors ?? [])];
    wrapped.errors = all.length ? all : null;
    return ok && textErrors.length === 0;
  }) as ValidateFunction<T>;
  wrapped.schema = validate.schema;
  wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
}
