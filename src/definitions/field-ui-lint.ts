/**
 * A field's `x-ui` against what the form pages act on (field-ui.schema.json): a widget or an option
 * they do not know, or a widget on a field it cannot draw, would be silently ignored on the page.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { message } from '../messages/catalogue.ts';
import { ajv, inLanguage } from './ajv.ts';
import { choiceValues } from './choice-labels.ts';
import type { JsonSchema } from './definition.types.ts';
import fieldUiSchema from './field-ui.schema.json' with { type: 'json' };
import type { Report } from './finding.ts';
import { everyField } from './form-fields.ts';

type Shape = 'LINT_UI_SHAPE_ONE_CHOICE' | 'LINT_UI_SHAPE_ONE_CHOICE_OR_YES_NO' | 'LINT_UI_SHAPE_LIST_OF_CHOICES' | 'LINT_UI_SHAPE_TEXT' | 'LINT_UI_SHAPE_NUMBER';

const typeIs = (f: JsonSchema, t: string): boolean => (Array.isArray(f.type) ? f.type.includes(t) : f.type === t);
const oneChoice = (f: JsonSchema) => !typeIs(f, 'array') && Array.isArray(f.enum);
const text = (f: JsonSchema) => typeIs(f, 'string') && !f.enum;
const amount = (f: JsonSchema) => typeIs(f, 'integer') || typeIs(f, 'number');

/** The fields each widget draws (src/pages/form-fields.ts picks the control by the same shapes). */
const WIDGET_FITS: Record<string, [Shape, (f: JsonSchema) => boolean]> = {
  select: ['LINT_UI_SHAPE_ONE_CHOICE', oneChoice],
  radio: ['LINT_UI_SHAPE_ONE_CHOICE_OR_YES_NO', (f) => oneChoice(f) || typeIs(f, 'boolean')],
  checkboxes: ['LINT_UI_SHAPE_LIST_OF_CHOICES', (f) => typeIs(f, 'array') && Array.isArray(f.items?.enum)],
  textarea: ['LINT_UI_SHAPE_TEXT', text],
  month: ['LINT_UI_SHAPE_TEXT', text],
  money: ['LINT_UI_SHAPE_NUMBER', amount],
  'money-fen': ['LINT_UI_SHAPE_NUMBER', amount],
};

const SCHEMA_ID = fieldUiSchema.$id;
let validators: { field: ValidateFunction; items: ValidateFunction; form: ValidateFunction } | undefined;
function uiValidators() {
  if (!validators) {
    ajv.addSchema(fieldUiSchema);
    const at = (ref: string) => ajv.getSchema(`${SCHEMA_ID}${ref}`)!;
    validators = { field: at(''), items: at('#/$defs/choiceItems'), form: at('#/$defs/form') };
  }
  return validators;
}

const knownOptions = (schema: { properties?: object }) => Object.keys(schema.properties ?? {}).join(', ');

/** ajv's findings about one `x-ui`, as the linter's: an unknown option or widget by name, else ajv's words. */
function reportSchemaErrors(
  errors: ErrorObject[], at: string, known: string, vars: { field: string; title: string }, report: Report,
): void {
  const zh = inLanguage(errors, 'zh');
  errors.forEach((e, i) => {
    if (e.keyword === 'additionalProperties') {
      const option = (e.params as { additionalProperty: string }).additionalProperty;
      report(`${at}.${option}`, 'LINT_UI_UNKNOWN_OPTION', { ...vars, option, known });
    } else if (e.instancePath === '/widget' && e.keyword === 'enum') {
      report(`${at}.widget`, 'LINT_UI_UNKNOWN_WIDGET', { ...vars, widget: String(e.data), known: Object.keys(WIDGET_FITS).join(', ') });
    } else {
      const option = e.instancePath.slice(1).replaceAll('/', '.');
      report(`${at}.${option}`, 'LINT_UI_BAD_VALUE', (lang) => ({ ...vars, option, detail: (lang === 'zh' ? zh[i]!.message : e.message) ?? '' }));
    }
  });
}

/** The form's own `x-ui` and every field's: known options, a widget fit for the field, labels for values it offers. */
export function lintFieldUi(form: JsonSchema, base: string, report: Report): void {
  const { field: validateField, items: validateItems, form: validateForm } = uiValidators();
  if (form['x-ui'] && !validateForm(form['x-ui'])) {
    reportSchemaErrors(validateForm.errors ?? [], `${base}.x-ui`, 'sections', { field: '', title: '' }, report);
  }
  for (const { path, name, field } of everyField(form, base)) {
    const vars = { field: name, title: typeof field.title === 'string' ? field.title : name };
    const itemsUi = field.items?.['x-ui'];
    if (itemsUi && !validateItems(itemsUi)) reportSchemaErrors(validateItems.errors ?? [], `${path}.items.x-ui`, 'labels, labelsEn', vars, report);
    const ui = field['x-ui'];
    if (!ui) continue;
    if (!validateField(ui)) {
      reportSchemaErrors(validateField.errors ?? [], `${path}.x-ui`, knownOptions(fieldUiSchema), vars, report);
      continue;
    }
    const fit = ui.widget ? WIDGET_FITS[ui.widget] : undefined;
    if (fit && !fit[1](field)) report(`${path}.x-ui.widget`, 'LINT_UI_WIDGET_MISFIT', (lang) => ({ ...vars, widget: ui.widget!, shape: message(lang, fit[0]) }));
    if (ui.unit && ui.widget !== 'money') report(`${path}.x-ui.unit`, 'LINT_UI_UNIT_NOT_MONEY', vars);
    const values = choiceValues(field)?.map(String);
    for (const key of ['labels', 'labelsEn'] as const) {
      if (!ui[key]) continue;
      if (!values) report(`${path}.x-ui.${key}`, 'LINT_UI_LABELS_NO_CHOICES', { ...vars, option: key });
      else for (const value of Object.keys(ui[key])) if (!values.includes(value)) report(`${path}.x-ui.${key}`, 'LINT_UI_LABEL_NO_VALUE', { ...vars, option: key, value });
    }
  }
}
