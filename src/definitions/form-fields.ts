/**
 * Which fields a form has and which of them another field's answer calls for: read the same way by
 * the linter (sections, ADR 0021) and by the pages that draw the form.
 */
import type { JsonSchema } from './definition.types.ts';

/** Fields that a form-level `if`/`then` asks for only when another field has a given value. */
export interface Condition {
  field: string;
  values: unknown[];
}

export function conditionsOf(schema: JsonSchema): Map<string, Condition> {
  const out = new Map<string, Condition>();
  const blocks = [schema, ...(schema.allOf ?? [])];
  for (const b of blocks) {
    const { if: cond, then } = b;
    if (!cond || !then) continue;
    const props = Object.entries(cond.properties ?? {});
    if (props.length !== 1) continue;
    const [field, test] = props[0]!;
    const values = test.const !== undefined ? [test.const]
      : test.enum;
    if (!values) continue;
    const names = new Set([
      ...(then.required ?? []),
      ...Object.keys(then.properties ?? {}),
    ]);
    for (const n of names) if (n !== field) out.set(n, { field, values });
  }
  return out;
}

/** Properties a form may show: its own, plus those only a conditional `then` declares. */
export function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  const own = { ...schema.properties };
  for (const b of [schema, ...(schema.allOf ?? [])]) {
    const added = b.then?.properties ?? {};
    for (const [k, v] of Object.entries(added)) if (!own[k]) own[k] = v;
  }
  return Object.entries(own);
}

/** Every field of a form with its JSON path: properties, those a conditional adds, the fields of group items. */
export function everyField(schema: JsonSchema, path: string, name = ''): { path: string; name: string; field: JsonSchema }[] {
  const out: { path: string; name: string; field: JsonSchema }[] = [];
  const blocks: [JsonSchema, string][] = [[schema, path], ...(schema.allOf ?? []).map((b, i): [JsonSchema, string] => [b, `${path}.allOf[${i}]`])];
  for (const [block, at] of blocks) {
    const sources: [Record<string, JsonSchema> | undefined, string][] = [[block.properties, `${at}.properties`], [block.then?.properties, `${at}.then.properties`], [block.else?.properties, `${at}.else.properties`]];
    for (const [props, base] of sources) {
      for (const [key, field] of Object.entries(props ?? {})) {
        const fieldName = name ? `${name}.${key}` : key;
        out.push({ path: `${base}.${key}`, name: fieldName, field });
        if (field.type === 'object') out.push(...everyField(field, `${base}.${key}`, fieldName));
        if (field.items?.type === 'object') out.push(...everyField(field.items, `${base}.${key}.items`, fieldName));
      }
    }
  }
  return out;
}
