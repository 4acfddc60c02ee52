/**
 * The words for a choice field's values. Definitions put a field's labels in its own `x-ui.labels`,
 * for a list of choices (`type: array`) as well as for one choice; a list may also carry them on its
 * `items`. Material ids are labelled by the item's material titles. Every place that shows a chosen
 * value (forms, check-your-answers, the case summary, notices, rosters) and the linter ask here.
 */
import type { JsonSchema, Material } from './definition.types.ts';
import type { Lang } from '../messages/lang.ts';

type Labels = Record<string, string>;

function uiLabels(schema: JsonSchema | undefined, lang: Lang): Labels | undefined {
  const ui = schema?.['x-ui'];
  return lang === 'en' ? ui?.labelsEn : ui?.labels;
}

/** The schema of one choice of a field: the field itself, or its items when it is a list. */
function choiceSchema(field: JsonSchema): JsonSchema {
  return isList(field) ? field.items! : field;
}

function isList(field: JsonSchema): boolean {
  const t = field.type;
  return field.items !== undefined && (Array.isArray(t) ? t.includes('array') : t === 'array');
}

/** The values a field offers, if it is a choice field (one choice or a list of them). */
export function choiceValues(field: JsonSchema): unknown[] | undefined {
  return choiceSchema(field).enum;
}

/** The field's own labels for its values, wherever the definition put them. */
export function choiceLabels(field: JsonSchema, lang: Lang = 'zh'): Labels {
  const own = isList(field) ? { ...uiLabels(field, lang), ...uiLabels(field.items, lang) } : uiLabels(field, lang);
  return own ?? {};
}

/**
 * The label of one value of a choice field in `lang`, or undefined when the definition gives none:
 * the field's labels, else the title of the material of that id.
 */
export function choiceLabel(
  field: JsonSchema, value: unknown, lang: Lang, materials: readonly Pick<Material, 'id' | 'title'>[] = [],
): string | undefined {
  const v = String(value);
  const own = choiceLabels(field, lang)[v];
  if (own) return own;
  return materials.find((m) => m.id === v)?.title[lang];
}
