import { parseIdNumber } from '../personal-numbers/id-number.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { FieldError } from '../messages/field-error.ts';
import type { Lang } from '../messages/lang.ts';
import type { FormRule, JsonSchema } from './definition.types.ts';
import type { Report } from './finding.ts';

/*
 * Cross-field rules of a form (`x-rules`): what one field's JSON Schema cannot say because it
 * needs another field or today's date. A named set, like the guards, so that a definition stays
 * data and the linter can check each rule against the form. A rule judges only values that are
 * already well formed: a missing field or a malformed date is ajv's to report, never the rule's.
 */

export const FORM_RULES_KEYWORD = 'x-rules';

/** The shape of `x-rules`, checked when a form is compiled; names and fields are the linter's. */
export const formRulesMetaSchema = {
  type: 'array',
  items: {
    type: 'object', additionalProperties: false, required: ['rule', 'field'],
    properties: { rule: { type: 'string' }, field: { type: 'string' }, other: { type: 'string' } },
  },
};

interface Titles {
  field: string;
  other: string;
  today: string;
}

interface RuleKind {
  /** What `other` must be: absent, another date field, or an ID-number field. */
  other: 'none' | 'date' | 'cn-id-number';
  /** Whether a well-formed value (and other value) satisfies the rule on `today` (YYYY-MM-DD, Shanghai). */
  holds(value: string, other: string | undefined, today: string): boolean;
  /** What the person is told; `{field}`, `{other}` and `{today}` are filled in, and what `told` adds. */
  text: MessageKey;
  told?: (other: string) => Record<string, string>;
}

/** ISO dates compare as strings, so every date rule is a string comparison. */
const FORM_RULES: Record<string, RuleKind> = {
  notBefore: {
    other: 'date',
    holds: (v, o) => v >= o!,
    text: 'FORM_RULE_NOT_BEFORE',
  },
  notAfter: {
    other: 'date',
    holds: (v, o) => v <= o!,
    text: 'FORM_RULE_NOT_AFTER',
  },
  notFuture: {
    other: 'none',
    holds: (v, _, today) => v <= today,
    text: 'FORM_RULE_NOT_FUTURE',
  },
  inFuture: {
    other: 'none',
    holds: (v, _, today) => v > today,
    text: 'FORM_RULE_IN_FUTURE',
  },
  birthDateMatchesId: {
    other: 'cn-id-number',
    holds: (v, o) => parseIdNumber(o!)!.birthDate === v,
    text: 'FORM_RULE_BIRTH_DATE_MATCHES_ID',
    told: (o) => ({ born: parseIdNumber(o)!.birthDate }),
  },
};

/** A real calendar date written YYYY-MM-DD (ajv's `date` format, without which no date rule runs). */
function isDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function wellFormed(kind: RuleKind['other'], v: unknown): v is string {
  return kind === 'cn-id-number' ? typeof v === 'string' && parseIdNumber(v) !== null : isDate(v);
}

/** The rules a form declares (none when it declares none). */
function formRules(form: JsonSchema): FormRule[] {
  const rules = form[FORM_RULES_KEYWORD];
  return Array.isArray(rules) ? rules : [];
}

/** A field's title in the client's language, or its name. */
export function fieldTitle(schema: JsonSchema | undefined, lang: Lang): string | undefined {
  if (!schema) return undefined;
  if (lang === 'en' && typeof schema['x-title-en'] === 'string') return schema['x-title-en'];
  return typeof schema.title === 'string' ? schema.title : undefined;
}

function pointer(field: string): string {
  return `/${field.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * The rules `data` breaks, as field errors on the rule's `field` (the shape ajv's errors take).
 * A rule whose values are missing or malformed is skipped; so is a rule name the registry does
 * not know (the linter refuses it before a definition is stored).
 */
export function ruleErrors(form: JsonSchema, data: Record<string, unknown>, today: string, lang: Lang): FieldError[] {
  const props = form.properties ?? {};
  const out: FieldError[] = [];
  for (const r of formRules(form)) {
    const kind = FORM_RULES[r.rule];
    if (!kind) continue;
    const value = data[r.field];
    const other = r.other === undefined ? undefined : data[r.other];
    if (!isDate(value) || (kind.other !== 'none' && !wellFormed(kind.other, other))) continue;
    if (kind.holds(value, other as string | undefined, today)) continue;
    const titles: Titles = {
      field: fieldTitle(props[r.field], lang) ?? r.field,
      other: r.other === undefined ? '' : fieldTitle(props[r.other], lang) ?? r.other,
      today,
    };
    out.push({
      path: pointer(r.field), message: message(lang, kind.text, { ...titles, ...kind.told?.(other as string) }),
    });
  }
  return out;
}

/** The fields a form requires (none when it declares none). */
export function requiredFields(form: JsonSchema | undefined): string[] {
  return Array.isArray(form?.required) ? form.required : [];
}

/** What a form's rules get wrong, reported at paths relative to the form: the linter refuses a definition with any. */
export function lintFormRules(form: JsonSchema, report: Report): void {
  const props = form.properties ?? {};
  const formatOf = (field: string) => props[field]?.format;
  formRules(form).forEach((r, i) => {
    const at = `.${FORM_RULES_KEYWORD}[${i}]`;
    const kind = FORM_RULES[r.rule];
    if (!kind) {
      report(`${at}.rule`, 'LINT_RULE_UNKNOWN', { rule: r.rule, known: Object.keys(FORM_RULES).join(', ') });
      return;
    }
    if (!(r.field in props)) report(`${at}.field`, 'LINT_RULE_FIELD_MISSING', { field: r.field });
    else if (formatOf(r.field) !== 'date') report(`${at}.field`, 'LINT_RULE_NOT_DATE', { rule: r.rule, field: r.field });
    if (kind.other === 'none') {
      if (r.other !== undefined) report(`${at}.other`, 'LINT_RULE_NO_OTHER', { rule: r.rule });
      return;
    }
    if (r.other === undefined) report(at, 'LINT_RULE_NEEDS_OTHER', { rule: r.rule });
    else if (!(r.other in props)) report(`${at}.other`, 'LINT_RULE_FIELD_MISSING', { field: r.other });
    else if (formatOf(r.other) !== kind.other) report(`${at}.other`, 'LINT_RULE_OTHER_FORMAT', { rule: r.rule, other: r.other, format: kind.other });
  });
}
