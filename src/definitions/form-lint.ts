import { createAjv } from './ajv.ts';
import { choiceLabel, choiceValues } from './choice-labels.ts';
import { isSealedField } from '../crypto/sealed-data.ts';
import type { JsonSchema, WorkflowDefinition } from './definition.types.ts';
import { within, type Report } from './finding.ts';
import { everyField } from './form-fields.ts';
import { lintFieldUi } from './field-ui-lint.ts';
import { lintFormRules } from './form-rules.ts';
import { lintFormSections } from './form-sections.ts';
import { isMoney } from './money-fields.ts';

const PERSONAL_FORMATS = new Set(['cn-id-number', 'bank-card', 'cn-mobile']);

/**
 * Fields holding ID numbers, cards or phones, in groups too: the
 * repositories seal them by name (src/crypto/sealed-data.ts).
 */
function personalFields(schema: JsonSchema, path: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (typeof prop.format === 'string' && PERSONAL_FORMATS.has(prop.format)) out.push([`${path}.properties.${name}`, name, prop.format]);
    if (prop.type === 'object') out.push(...personalFields(prop, `${path}.properties.${name}`));
    if (prop.type === 'array' && prop.items) out.push(...personalFields(prop.items, `${path}.properties.${name}.items`));
  }
  return out;
}

const CHINESE = /\p{Script=Han}/u;

/** Every value of every choice field has a Chinese label (its own, or the title of the material it names). */
function lintChoiceLabels(def: WorkflowDefinition, formId: string, form: JsonSchema, base: string, report: Report) {
  for (const { path, name, field } of everyField(form, base)) {
    for (const value of choiceValues(field) ?? []) {
      const label = choiceLabel(field, value, 'zh', def.materials);
      if (label && CHINESE.test(label)) continue;
      const title = typeof field.title === 'string' ? field.title : name;
      const vars = { form: formId, field: name, title, value: String(value) };
      report(`${path}.x-ui.labels`, 'LINT_LABEL_MISSING', vars);
    }
  }
}

/** "（分）", "（分/年，…）", "（…；元）": a unit in an amount's title, which pages (元) and the API (分) would contradict. */
const UNIT_IN_TITLE = /(?:^|[（(；;，,/\s])(分|元)(?=$|[）)；;，,/\s])/;

/**
 * Amounts are declared, not guessed from names (src/money/yuan.ts): a declared amount is whole fen,
 * never negative, titled without a unit; a field named …Fen declares itself.
 */
function lintMoney(form: JsonSchema, base: string, report: Report): void {
  for (const { path, name, field: prop } of everyField(form, base)) {
    if (!isMoney(prop)) {
      if (/Fen$/.test(name) && (prop.type === 'integer' || prop.type === 'number')) report(path, 'MONEY_LINT_UNDECLARED', { field: name });
      continue;
    }
    if (prop.type !== 'integer') report(`${path}.type`, 'MONEY_LINT_NOT_INTEGER');
    if (typeof prop.minimum !== 'number' || prop.minimum < 0) report(`${path}.minimum`, 'MONEY_LINT_NO_MINIMUM');
    const unit = typeof prop.title === 'string' ? UNIT_IN_TITLE.exec(prop.title)?.[1] : undefined;
    if (unit) report(`${path}.title`, 'MONEY_LINT_UNIT_IN_TITLE', { unit });
  }
}

/**
 * The definition's forms and conditions as JSON Schemas: each compiles, a form is an object whose
 * materials are the item's, whose cross-field rules and sections fit it and whose personal fields are named to be
 * sealed; eligibility and material conditions compile.
 */
export function lintForms(def: WorkflowDefinition, report: Report): void {
  const materialIds = new Set(def.materials.map((m) => m.id));
  // The candidate's schemas are compiled in an instance of their own, dropped with it: the shared
  // one keeps every schema it ever compiled, and a linted definition is not a stored version.
  const candidate = createAjv();
  const compiles = (path: string, schema: JsonSchema): boolean => {
    try {
      candidate.compile(schema);
      return true;
    } catch (err) {
      report(path, 'LINT_INVALID_SCHEMA', { detail: (err as Error).message });
      return false;
    }
  };
  for (const [id, form] of Object.entries(def.forms)) {
    const base = `$.forms.${id}`;
    if (!candidate.validateSchema(form)) {
      report(base, 'LINT_INVALID_SCHEMA', { detail: candidate.errorsText(candidate.errors) });
      continue;
    }
    if (!compiles(base, form)) continue;
    if (form.type !== 'object') report(`${base}.type`, 'LINT_FORM_NOT_OBJECT');
    const items = form.properties?.materials?.items?.enum as string[] | undefined;
    for (const [i, material] of (items ?? []).entries()) {
      if (!materialIds.has(material)) report(`${base}.properties.materials.items.enum[${i}]`, 'LINT_MATERIAL_NOT_LISTED', { material });
    }
    lintFormRules(form, within(base, report));
    lintFormSections(form, within(base, report));
    lintMoney(form, base, report);
    lintChoiceLabels(def, id, form, base, report);
    lintFieldUi(form, base, report);
    for (const [path, name, format] of personalFields(form, base)) if (!isSealedField(name)) report(path, 'LINT_PERSONAL_FIELD_NAME', { format });
  }
  if (def.eligibility) compiles('$.eligibility.schema', def.eligibility.schema);
  def.materials.forEach((m, i) => m.condition && compiles(`$.materials[${i}].condition`, m.condition));
  def.materials.forEach(({ file }, i) => {
    if (file?.minKB !== undefined && file.maxKB !== undefined && file.minKB > file.maxKB) {
      report(`$.materials[${i}].file`, 'PHOTO_LINT_MIN_ABOVE_MAX', { min: file.minKB, max: file.maxKB });
    }
  });
}
