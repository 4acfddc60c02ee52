/**
 * Reading a step's JSON Schema as a form: which fields it has, their titles, widgets and option
 * labels. Field names follow the data: `d.name`, `d.members.0.relation`; ids follow the JSON
 * Pointer of the value (`/members/0/relation` → `f-members-0-relation`), so an error's path finds
 * its field.
 */
import { choiceLabel } from '../definitions/choice-labels.ts';
import type { FieldUi, JsonSchema, Material } from '../definitions/definition.types.ts';
import { propertiesOf } from '../definitions/form-fields.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';

export { conditionsOf, propertiesOf, type Condition } from '../definitions/form-fields.ts';

/** Where a form lists the materials received, and where a refusal for missing materials is told. */
export const MATERIALS_POINTER = '/materials';

/** Messages by the JSON Pointer of the value they concern ('' for the whole form). */
export type Errors = Map<string, string[]>;

const NAME_PREFIX = 'd';

export function fieldId(pointer: string): string {
  return `f${pointer.replaceAll('/', '-')}` || 'f';
}

export function fieldName(pointer: string): string {
  return `${NAME_PREFIX}${pointer.replaceAll('/', '.')}`;
}

/** The name of a form's hidden companion field (`_count.members`, `_present.confirmed`). */
export function companionName(prefix: '_count' | '_present', pointer: string): string {
  return `${prefix}${fieldName(pointer).slice(NAME_PREFIX.length)}`;
}

export function titleOf(schema: JsonSchema, lang: Lang, fallback: string): string {
  if (lang === 'en' && typeof schema['x-title-en'] === 'string') return schema['x-title-en'];
  return typeof schema.title === 'string' ? schema.title : fallback;
}

export function uiOf(schema: JsonSchema): FieldUi {
  return schema['x-ui'] ?? {};
}

export function typeOf(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null');
  return t;
}

export function itemsOf(schema: JsonSchema): JsonSchema {
  return schema.items ?? {};
}

/** A repeating group: a list of objects, one fieldset per item. */
export function isGroup(schema: JsonSchema): boolean {
  return typeOf(schema) === 'array' && typeOf(itemsOf(schema)) === 'object';
}

function humanize(v: string): string {
  return v.replace(/[-_]/g, ' ');
}

/** What option labels may draw on besides the field: the item's materials, and counter mode's note on originals. */
export interface Choices {
  materials: readonly Material[];
  /** At the counter a material whose original must be seen says so. */
  counter?: boolean;
}

/** The label of a value of a choice field (`field` is the field, a list of choices or one choice). */
export function optionLabel(field: JsonSchema, value: unknown, lang: Lang, choices?: Choices): string {
  const v = String(value);
  const materials = choices?.materials ?? [];
  const found = choiceLabel(field, v, lang, materials);
  if (found) {
    const seen = choices?.counter && materials.find((m) => m.id === v)?.originalSeen;
    return seen ? found + message(lang, 'MATERIAL_ORIGINAL_SEEN') : found;
  }
  if (lang === 'zh') return v;
  // An English page without an English label: the Chinese one when the value is not a code, else the code in words.
  const zh = choiceLabel(field, v, 'zh', materials);
  return zh && !/^[a-z0-9-]+$/i.test(v) ? zh : humanize(v);
}

export function enumOf(schema: JsonSchema): unknown[] | undefined {
  return schema.enum;
}

export function requiredOf(schema: JsonSchema): Set<string> {
  return new Set(schema.required ?? []);
}

/** The schema of the value at a JSON Pointer, if the form has such a field. */
export function schemaAt(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  for (const part of pointer.split('/').slice(1)) {
    if (!s) return undefined;
    if (typeOf(s) === 'array') s = s.items;
    else s = Object.fromEntries(propertiesOf(s))[part];
  }
  return s;
}
