import { readFileSync } from 'node:fs';
import type { FormSection, WorkflowDefinition } from '../../src/definitions/definition.types.ts';
import { sectionOfField, sectionsOf } from '../../src/definitions/form-sections.ts';

export interface SectionAt extends FormSection {
  /** 1-based, as the section pages count. */
  n: number;
}

/** The sections of the form `eventType` takes at the item's first step, as the definition lists them (ADR 0021). */
export function sectionsAt(workflowId: string, eventType: string): SectionAt[] {
  const def = JSON.parse(readFileSync(new URL(`../../workflows/${workflowId}.json`, import.meta.url), 'utf8')) as WorkflowDefinition;
  const formId = def.machine.states[def.machine.initial]?.meta.events?.[eventType]?.form;
  const form = formId ? def.forms[formId] : undefined;
  const sections = form ? sectionsOf(form) : undefined;
  if (!sections) throw new Error(`${workflowId} ${eventType}: the form is not in sections`);
  return sections.map((s, i) => ({ ...s, n: i + 1 }));
}

/** The section that asks `field`. */
export function sectionWith(workflowId: string, eventType: string, field: string): SectionAt {
  const sections = sectionsAt(workflowId, eventType);
  const i = sectionOfField(sections, field);
  if (i < 0) throw new Error(`${workflowId} ${eventType}: no section asks ${field}`);
  return sections[i]!;
}

type Posted = Record<string, string | string[]>;

/** Of a whole form's posted fields, those `section` reads: its own `d.…` fields and the controls (`_version`, …). */
export function fieldsOf(section: FormSection, fields: Posted): Posted {
  const ours = ([k]: [string, unknown]) => !k.startsWith('d.') || section.fields.includes(k.slice(2).split('.')[0]!);
  return Object.fromEntries(Object.entries(fields).filter(ours));
}
