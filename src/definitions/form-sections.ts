/**
 * Long forms in sections (ADR 0021): a form with more fields than a page should ask at once lists
 * its sections in `x-ui.sections`; the pages show them as a task list, one page each.
 */
import type { FormSection, JsonSchema } from './definition.types.ts';
import type { Report } from './finding.ts';
import { conditionsOf, propertiesOf } from './form-fields.ts';

/** A form with more fields than this is asked in sections; at or under it, on one page. */
export const SECTION_FIELD_LIMIT = 10;

export function sectionsOf(form: JsonSchema): FormSection[] | undefined {
  const sections = form['x-ui']?.sections;
  return sections?.length ? sections : undefined;
}

/** The index of the section that asks `field`, or -1. */
export function sectionOfField(sections: FormSection[], field: string): number {
  return sections.findIndex((s) => s.fields.includes(field));
}

const HAN = /\p{Script=Han}/u;

/**
 * A form over the limit has sections; every field is in exactly one section, every section names
 * fields of the form only, is titled in Chinese, and keeps a field that another one's answer calls
 * for with that other one (so that the condition works on the section's page).
 */
export function lintFormSections(form: JsonSchema, report: Report): void {
  const fields = propertiesOf(form).map(([k]) => k);
  const sections = sectionsOf(form);
  if (!sections) {
    if (fields.length > SECTION_FIELD_LIMIT) report('', 'TASKLIST_LINT_SECTIONS_MISSING', { n: fields.length, limit: SECTION_FIELD_LIMIT });
    return;
  }
  const known = new Set(fields);
  const placed = new Map<string, number>();
  sections.forEach((s, i) => {
    const path = `.x-ui.sections[${i}]`;
    if (!HAN.test(s.title.zh)) report(`${path}.title.zh`, 'TASKLIST_LINT_TITLE_NOT_CHINESE', { title: s.title.zh });
    s.fields.forEach((field, j) => {
      if (!known.has(field)) report(`${path}.fields[${j}]`, 'TASKLIST_LINT_UNKNOWN_FIELD', { field });
      else if (placed.has(field)) report(`${path}.fields[${j}]`, 'TASKLIST_LINT_FIELD_TWICE', { field, n: placed.get(field)! + 1 });
      else placed.set(field, i);
    });
  });
  for (const field of fields) if (!placed.has(field)) report('.x-ui.sections', 'TASKLIST_LINT_FIELD_UNPLACED', { field });
  for (const [field, cond] of conditionsOf(form)) {
    const at = placed.get(field);
    const controller = placed.get(cond.field);
    if (at !== undefined && controller !== undefined && at !== controller) {
      report(`.x-ui.sections[${at}]`, 'TASKLIST_LINT_CONDITION_APART', { field, other: cond.field });
    }
  }
}
