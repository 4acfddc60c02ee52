/**
 * Answers given once are not asked again: a definition's `prefill` names, for form fields, the
 * person-file field (or earlier answer) they start with. Pure, so the service, the roster import,
 * the page's "from the file" hint and the tests read the declaration one way.
 */
import { ajv } from './ajv.ts';
import type { JsonSchema, WorkflowDefinition } from './definition.types.ts';

/** A person file as prefill reads it. */
export interface PersonFacts {
  name: string;
  idNumber: string;
  sex: string;
  birthDate: string;
  phone: string | null;
  attributes: Record<string, unknown>;
}

/** The person file by the names prefill sources use; the file's phone is the forms' `mobile`. */
export function personFacts(p: PersonFacts): Record<string, unknown> {
  const known = { ...p.attributes, name: p.name, idNumber: p.idNumber, sex: p.sex, birthDate: p.birthDate };
  return p.phone ? { ...known, mobile: p.phone } : known;
}

function fieldSchemas(def: WorkflowDefinition, field: string): JsonSchema[] {
  return Object.values(def.forms).flatMap((f) => [f, ...(f.allOf ?? []).map((b) => b.then ?? {})])
    .map((f) => f.properties?.[field]).filter((s): s is JsonSchema => s !== undefined);
}

/**
 * The fields a case starts with, from what is known of the person. A value a field's form would
 * refuse (a placement the item does not offer, an officer where only conscripts and NCOs are
 * asked) is left for the clerk to choose rather than shown as an answer that cannot be sent.
 */
export function prefillValues(def: WorkflowDefinition, known: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [field, source] of Object.entries(def.prefill ?? {})) {
    const raw = known[typeof source === 'string' ? source : source.from];
    if (raw === undefined || raw === null) continue;
    const value = typeof source === 'string' ? raw : source.values[String(raw)];
    if (value === undefined) continue;
    if (fieldSchemas(def, field).some((s) => ajv.compile(s)(value))) data[field] = value;
  }
  return data;
}
