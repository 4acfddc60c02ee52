import type { JsonSchema } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { fieldId, MATERIALS_POINTER, propertiesOf, schemaAt, titleOf, type Errors } from './form-schema.ts';

export interface SummaryError {
  href: string | null;
  text: string;
}

/**
 * The error summary at the top: one link per problem, to the field it concerns; missing materials
 * link to the form's checklist, or to `checklist` (the case's) when the form lists none.
 */
export function errorList(schema: JsonSchema | null, errors: Errors, lang: Lang, checklist?: string): SummaryError[] {
  const out: SummaryError[] = [];
  // In the order of the fields on the page; problems of the whole form first.
  const order = new Map((schema ? propertiesOf(schema) : []).map(([k], i) => [k, i]));
  const rank = (p: string) => (p ? (order.get(p.split('/')[1] ?? '') ?? 999) : -1);
  const sorted = [...errors].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  for (const [pointer, msgs] of sorted) {
    const target = pointer && schema && schemaAt(schema, pointer) ? `#${fieldId(pointer)}`
      : pointer === MATERIALS_POINTER && checklist ? checklist : null;
    // Inside a repeating group, say which item: 家庭成员第2项：「姓名」为必填项.
    const m = /^(.*)\/(\d+)\/[^/]+/.exec(pointer);
    const group = m && schema ? schemaAt(schema, m[1]!) : undefined;
    const prefix = group && m ? message(lang, 'FORM_ERROR_IN_ITEM', { group: titleOf(group, lang, ''), n: Number(m[2]) + 1 }) : '';
    for (const text of msgs) out.push({ href: target, text: `${prefix}${text}` });
  }
  return out;
}
