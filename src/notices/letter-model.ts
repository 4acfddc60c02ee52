import { isSealedField } from '../crypto/sealed-data.ts';
import type { JsonSchema, WorkflowDefinition } from '../definitions/definition.types.ts';
import { markupSafe } from './markup.ts';
import { chineseDate } from './notice-format.ts';
import type { NoticeFacts } from './notice-facts.ts';

const DAY_MS = 86_400_000;

type Format = (key: string, prop: JsonSchema, value: unknown) => string;

/** Every field the definition's forms declare, with the schema of its first declaration. */
function fieldSchemas(def: WorkflowDefinition): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const form of Object.values(def.forms)) {
    for (const [key, prop] of Object.entries((form.properties ?? {}) as Record<string, JsonSchema>)) {
      if (!out.has(key)) out.set(key, prop);
    }
  }
  return out;
}

/**
 * The case's particulars as a notice prints them, by field name: what this step recorded over what
 * earlier steps did, formatted like the results list (labels, Chinese dates, personal numbers masked).
 * A field with no answer is an empty string, so a form laid out as a grid keeps its cell for a pen.
 */
function particulars(f: NoticeFacts, format: Format): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, prop] of fieldSchemas(f.definition)) {
    const value = key in f.event.data ? f.event.data[key] : f.caseData[key];
    // Stored with every notice, unsealed: a field the repositories seal is masked even if its schema forgot to say so.
    out[key] = markupSafe(format(key, isSealedField(key) ? { ...prop, 'x-sensitive': true } : prop, value));
  }
  return out;
}

/** Whom the letter is written to: the form field the clerk filled at this step, or the named setting. */
function addresseeOf(f: NoticeFacts): string {
  const to = f.notice.addressee!;
  if ('setting' in to) {
    const name = f.settings.addressees[to.setting];
    if (!name) throw new Error(`notice setting addressees.${to.setting} is not set`);
    return markupSafe(name);
  }
  // Every step that issues a letter requires its addressee field (the linter's rule), so the form has it.
  const value = f.event.data[to.field];
  if (typeof value !== 'string' || !value.trim()) throw new Error(`letter ${f.noticeKey}: the step gave no ${to.field}`);
  return markupSafe(value.trim());
}

/**
 * What letters and forms add to a notice's model: `case`, the particulars by field name, and for a
 * letter (kind `letter`) `letter`: its addressee and the last day it is valid.
 */
export function letterParts(
  f: NoticeFacts, format: Format,
): { case: Record<string, string>; letter: Record<string, string> | null } {
  const letter = f.notice.kind === 'letter'
    ? {
        addressee: addresseeOf(f),
        validUntil: f.notice.validity ? chineseDate(new Date(f.issuedAt.getTime() + f.notice.validity.calendarDays * DAY_MS)) : '',
      }
    : null;
  return { case: particulars(f, format), letter };
}
