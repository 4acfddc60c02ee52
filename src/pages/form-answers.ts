/** A form's answers read back as label/value rows (check-your-answers, the case data panel). */
import type { JsonSchema } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import { formatYuan } from '../money/yuan.ts';
import { isMoney } from '../definitions/money-fields.ts';
import type { Lang } from '../messages/lang.ts';
import { conditionsOf, enumOf, fieldId, isGroup, itemsOf, optionLabel, propertiesOf, titleOf, typeOf, type Choices } from './form-schema.ts';

export interface AnswerRow {
  pointer: string;
  id: string;
  label: string;
  value: string;
  /** Nested rows (group items). */
  items?: { label: string; rows: AnswerRow[] }[];
}

function displayValue(schema: JsonSchema, value: unknown, lang: Lang, choices?: Choices): string {
  if (value === undefined || value === null || value === '') return message(lang, 'FORM_NOT_GIVEN');
  const type = typeOf(schema);
  if (type === 'boolean') return value === true ? message(lang, 'FORM_YES') : value === false ? message(lang, 'FORM_NO') : String(value);
  if (type === 'array') {
    const list = Array.isArray(value) ? value : [];
    if (!list.length) return message(lang, 'FORM_NONE');
    return list.map((v) => optionLabel(schema, v, lang, choices)).join(message(lang, 'FORM_LIST_SEPARATOR'));
  }
  if (enumOf(schema)) return optionLabel(schema, value, lang, choices);
  if (isMoney(schema) && typeof value === 'number') return `${formatYuan(value)} ${message(lang, 'MONEY_UNIT')}`;
  return String(value);
}

/** The answers of a form as label/value rows. */
export function answerRows(schema: JsonSchema, data: Record<string, unknown>, lang: Lang, ctx?: { choices?: Choices }, pointer = ''): AnswerRow[] {
  const rows: AnswerRow[] = [];
  for (const [key, prop] of propertiesOf(schema)) {
    const p = `${pointer}/${key}`;
    const value = data[key];
    const label = titleOf(prop, lang, key);
    if (isGroup(prop)) {
      const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      rows.push({
        pointer: p, id: fieldId(p), label, value: list.length ? message(lang, 'FORM_ITEM_COUNT', { n: list.length }) : message(lang, 'FORM_NONE'),
        items: list.map((item, i) => ({
          label: `${label} ${message(lang, 'FORM_GROUP_ITEM', { n: i + 1 })}`, rows: answerRows(itemsOf(prop), item ?? {}, lang, ctx, `${p}/${i}`),
        })),
      });
      continue;
    }
    if (value === undefined && conditionsOf(schema).has(key)) continue;
    rows.push({ pointer: p, id: fieldId(p), label, value: displayValue(prop, value, lang, ctx?.choices) });
  }
  return rows;
}
