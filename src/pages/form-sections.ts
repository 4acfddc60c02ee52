/**
 * A long form asked in sections (ADR 0021): the part of the schema one section's page draws and
 * reads, where the step's draft stands in each section, and the step's problems sent to the section
 * they belong to. Pure: the pages give it the draft and the engine's verdict on it.
 */
import type { FormSection, JsonSchema } from '../definitions/definition.types.ts';
import { sectionOfField } from '../definitions/form-sections.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { errorList, type SummaryError } from './form-errors.ts';
import { propertiesOf, type Errors } from './form-schema.ts';
import { loc } from './view.ts';

/** The draft's own key that lists the sections saved on their page (1-based), beside the step's data. */
const SAVED = '$sections';

type SectionStatus = 'not-started' | 'in-progress' | 'done';

export interface SectionView {
  n: number;
  title: string;
  href: string;
  status: SectionStatus;
  statusText: string;
  statusId: string;
}

export function sectionHref(caseId: string, type: string, n: number): string {
  return `/cases/${caseId}/act/${type}/section/${n}`;
}

/**
 * The schema of one section's page: its fields in the section's order, what of `required` concerns
 * them, and the conditions whose deciding field it holds (the linter keeps a condition's fields in
 * one section). Cross-field rules stay with the whole form, which the engine checks.
 */
export function sectionSchema(form: JsonSchema, section: FormSection): JsonSchema {
  const keep = new Set(section.fields);
  const all = new Map(propertiesOf(form));
  const properties = Object.fromEntries(section.fields.filter((f) => all.has(f)).map((f) => [f, all.get(f)!]));
  const conditions = [form, ...(form.allOf ?? [])].flatMap((b): JsonSchema[] => {
    const decider = Object.keys(b.if?.properties ?? {})[0];
    if (!b.if || !b.then || !decider || !keep.has(decider)) return [];
    return [{ if: b.if, then: { ...b.then, required: b.then.required?.filter((k) => keep.has(k)) } }];
  });
  return {
    type: 'object', properties, required: (form.required ?? []).filter((k) => keep.has(k)),
    ...(conditions.length ? { allOf: conditions } : {}),
  };
}

/** Sections saved on their page, as the draft records them. */
function savedSections(data: Record<string, unknown>): Set<number> {
  const saved = data[SAVED];
  return new Set(Array.isArray(saved) ? saved.filter((n): n is number => Number.isInteger(n)) : []);
}

/**
 * The draft after section `n` was saved: that section's answers replace the ones it had (a field
 * left empty is gone), the others stay, and the section counts as saved.
 */
export function withSection(
  draft: Record<string, unknown>, section: FormSection, n: number, answers: Record<string, unknown>,
): Record<string, unknown> {
  const out = Object.fromEntries(Object.entries(draft).filter(([k]) => !section.fields.includes(k)));
  return { ...out, ...answers, [SAVED]: [...new Set([...savedSections(draft), n])].sort((a, b) => a - b) };
}

/** The section a problem's field is in (1-based), or 0 for a problem of the whole step. */
function sectionOfPointer(sections: FormSection[], pointer: string): number {
  const field = pointer.split('/')[1];
  return field === undefined ? 0 : sectionOfField(sections, field) + 1;
}

/** The problems that concern section `n`'s fields. */
export function problemsIn(sections: FormSection[], n: number, errors: Errors): Errors {
  return new Map([...errors].filter(([pointer]) => sectionOfPointer(sections, pointer) === n));
}

/**
 * Where each section stands: not started (never saved, nothing answered), done (answered or saved,
 * and the engine finds nothing wrong in its fields), else in progress. Answers the case already held
 * count, so a section the person file or an earlier step filled in need not be opened again.
 */
export function sectionViews(
  sections: FormSection[], data: Record<string, unknown>, problems: Errors, caseId: string, type: string, lang: Lang,
): SectionView[] {
  const saved = savedSections(data);
  return sections.map((s, i) => {
    const n = i + 1;
    const started = saved.has(n) || s.fields.some((f) => data[f] !== undefined);
    const status: SectionStatus = !started ? 'not-started' : problemsIn(sections, n, problems).size ? 'in-progress' : 'done';
    const key = status === 'done' ? 'TASKLIST_DONE' : status === 'in-progress' ? 'TASKLIST_IN_PROGRESS' : 'TASKLIST_NOT_STARTED';
    return { n, title: loc(lang, s.title), href: sectionHref(caseId, type, n), status, statusText: message(lang, key), statusId: `section-${n}-status` };
  });
}

/**
 * The task list's error summary: problems of the whole step first (unlinked), then each section not
 * done: one not started as itself, one in progress by its problems, each named by the section and
 * linked to its field on the section's page.
 */
export function taskListErrors(
  form: JsonSchema, sections: FormSection[], views: SectionView[], errors: Errors, lang: Lang,
): SummaryError[] {
  const out = errorList(null, problemsIn(sections, 0, errors), lang);
  for (const view of views.filter((v) => v.status !== 'done')) {
    const section = sections[view.n - 1]!;
    const own = view.status === 'in-progress' ? errorList(sectionSchema(form, section), problemsIn(sections, view.n, errors), lang) : [];
    if (!own.length) out.push({ href: view.href, text: message(lang, 'TASKLIST_SECTION_INCOMPLETE', { title: view.title }) });
    for (const e of own) {
      out.push({ href: `${view.href}${e.href ?? ''}`, text: message(lang, 'TASKLIST_IN_SECTION', { title: view.title, text: e.text }) });
    }
  }
  return out;
}
