import type { MessageKey } from '../messages/catalogue.ts';
import { localized } from '../messages/localized.ts';
import type { Lang } from '../messages/lang.ts';
import type { JsonSchema, Localized } from './definition.types.ts';

/** What part of an item a finding is at, as policy staff know the item. */
export type PlaceKind = 'item' | 'step' | 'move' | 'event' | 'form' | 'field' | 'notice' | 'material' | 'legalBasis' | 'json';

/**
 * Where a finding is: the JSON Pointer of the value, the part of the item it names (with the ids that
 * part has) and that part in words, e.g. 「受理」环节的「退回」操作; `line` and `column` in the
 * definition's text, where a text is at hand.
 */
export interface Place {
  pointer: string;
  kind: PlaceKind;
  step?: string;
  event?: string;
  form?: string;
  field?: string;
  notice?: string;
  material?: string;
  label: Localized;
  line?: number;
  column?: number;
}

const TOKEN = /\.([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The keys of a JSON path as the linter writes it (`$.a.b[0]["c d"]`). */
export function pathKeys(path: string): string[] {
  const keys: string[] = [];
  TOKEN.lastIndex = path.startsWith('$') ? 1 : 0;
  for (let m = TOKEN.exec(path); m; m = TOKEN.exec(path)) keys.push(m[1] ?? m[2] ?? (JSON.parse(m[3]!) as string));
  return keys;
}

/** RFC 6901: `/machine/states/review/on/APPROVE`. */
function pointerOf(keys: readonly (string | number)[]): string {
  return keys.map((k) => `/${String(k).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

// The definition as found: a draft may be broken anywhere, so every step down is checked.
type Loose = Record<string, unknown> | undefined;
const child = (o: unknown, key: string): Loose => (o && typeof o === 'object' ? (o as Record<string, unknown>)[key] as Loose : undefined);
const text = (o: unknown, lang: Lang): string | undefined => {
  const v = child(o, lang) as unknown;
  return typeof v === 'string' && v ? v : undefined;
};

type VarsIn = (lang: Lang) => Record<string, string | number>;
const both = (key: MessageKey, vars: VarsIn): Localized => localized(key, vars);

function stepTitle(def: unknown, step: string, lang: Lang): string {
  return text(child(child(child(child(child(def, 'machine'), 'states'), step), 'meta'), 'step'), lang) ?? step;
}

function eventLabel(def: unknown, event: string, lang: Lang): string {
  return text(child(child(child(def, 'events'), event), 'label'), lang) ?? event;
}

function moveLabel(def: unknown, step: string, event: string): Localized {
  return both('LINT_AT_MOVE', (lang) => ({ step: stepTitle(def, step, lang), event: eventLabel(def, event, lang) }));
}

/** The first step and event whose form this is: how a form without a title is known. */
function formUse(def: unknown, form: string): [string, string] | undefined {
  const states = (child(child(def, 'machine'), 'states') ?? {}) as Record<string, unknown>;
  for (const [name, state] of Object.entries(states)) {
    const events = (child(child(state, 'meta'), 'events') ?? {}) as Record<string, unknown>;
    for (const [event, meta] of Object.entries(events)) if ((child(meta, 'form') as unknown) === form) return [name, event];
  }
  return undefined;
}

function formLabel(def: unknown, form: string): Localized {
  const use = formUse(def, form);
  if (!use) return both('LINT_AT_FORM_UNUSED', () => ({ form }));
  const move = moveLabel(def, ...use);
  return both('LINT_AT_FORM', (lang) => ({ form, move: move[lang] }));
}

/** A field of a form along the keys below it: properties (a conditional's too), group items, allOf blocks. */
function fieldAt(form: unknown, keys: string[]): { name: string; schema: JsonSchema; depth: number } | undefined {
  let node: unknown = form;
  let found: { name: string; schema: JsonSchema; depth: number } | undefined;
  const names: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    node = child(node, key);
    if (node === undefined) break;
    if (keys[i - 1] === 'properties') {
      names.push(key);
      found = { name: names.join('.'), schema: node as JsonSchema, depth: i + 1 };
    } else if (!['properties', 'items', 'allOf', 'then', 'else'].includes(key) && !/^\d+$/.test(key)) break;
  }
  return found;
}

/** Where a finding at `path` (a JSON path) is in `def`, the definition as found. */
export function placeOf(def: unknown, path: string): Place {
  const keys = pathKeys(path);
  const pointer = pointerOf(keys);
  const [area, a, b, c, d] = keys;
  if (area === 'machine' && a === 'states' && b) {
    const event = c === 'on' ? d : c === 'meta' && d === 'events' ? keys[5] : undefined;
    if (event) return { pointer, kind: 'move', step: b, event, label: moveLabel(def, b, event) };
    return { pointer, kind: 'step', step: b, label: both('LINT_AT_STEP', (lang) => ({ step: stepTitle(def, b, lang) })) };
  }
  if (area === 'forms' && a) {
    const form = child(child(def, 'forms'), a);
    const field = fieldAt(form, keys.slice(2));
    const ofForm = formLabel(def, a);
    if (!field) return { pointer, kind: 'form', form: a, label: ofForm };
    return {
      pointer, kind: 'field', form: a, field: field.name,
      label: both('LINT_AT_FIELD', (lang) => ({
        form: ofForm[lang], field: (lang === 'en' ? field.schema['x-title-en'] : undefined) ?? (typeof field.schema.title === 'string' ? field.schema.title : field.name),
      })),
    };
  }
  if (area === 'notices' && a) {
    const notice = child(child(def, 'notices'), a);
    return { pointer, kind: 'notice', notice: a, label: both('LINT_AT_NOTICE', (lang) => ({ notice: text(child(notice, 'title'), lang) ?? a })) };
  }
  if (area === 'materials' && a !== undefined) {
    const material = child(child(def, 'materials'), a);
    const id = child(material, 'id') as unknown;
    return {
      pointer, kind: 'material', ...(typeof id === 'string' ? { material: id } : {}),
      label: both('LINT_AT_MATERIAL', (lang) => ({ material: text(child(material, 'title'), lang) ?? (typeof id === 'string' ? id : Number(a) + 1) })),
    };
  }
  if (area === 'events' && a) return { pointer, kind: 'event', event: a, label: both('LINT_AT_EVENT', (lang) => ({ event: eventLabel(def, a, lang) })) };
  if (area === 'legalBasis' && a !== undefined) {
    const cited = child(child(child(def, 'legalBasis'), a), 'instrument') as unknown;
    return { pointer, kind: 'legalBasis', label: both('LINT_AT_LEGAL_BASIS', () => ({ n: Number(a) + 1, instrument: typeof cited === 'string' ? cited : '' })) };
  }
  return { pointer, kind: 'item', label: area ? both('LINT_AT_PART', () => ({ part: area })) : both('LINT_AT_ITEM', () => ({})) };
}
