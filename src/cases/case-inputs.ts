import type { Executor } from '../db/database.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { personFacts, prefillValues } from '../definitions/prefill.ts';
import type { Person } from '../persons/person.repository.ts';
import { ageOn } from '../time/shanghai.ts';
import { completedWorkflows, personCaseData } from './case.repository.ts';

const DONE_OUTCOMES = ['completed', 'granted', 'transferred'];

/** What an eligibility schema is checked against: the person file and the items already completed. */
export async function eligibilitySubject(db: Executor, person: Person, now: Date): Promise<Record<string, unknown>> {
  const done = await completedWorkflows(db, person.id, DONE_OUTCOMES);
  return {
    person: { ...person.attributes, sex: person.sex, birthDate: person.birthDate, age: ageOn(person.birthDate, now) },
    completedItems: done,
  };
}

/** Whether the person may have a case of the item; an item without an eligibility schema is open to all. */
export async function isEligible(db: Executor, wf: CompiledWorkflow, person: Person, now: Date): Promise<boolean> {
  return !wf.eligibility || (wf.eligibility(await eligibilitySubject(db, person, now)) as boolean);
}

/**
 * Answers given once are reused: form fields the person file or the person's earlier cases
 * already hold are filled in when a case starts, for the clerk to confirm.
 */
export async function prefillData(
  db: Executor, def: WorkflowDefinition, person: Person,
): Promise<Record<string, unknown>> {
  if (!def.prefill) return {};
  const known: Record<string, unknown> = {};
  for (const data of await personCaseData(db, person.id)) Object.assign(known, data);
  return prefillValues(def, Object.assign(known, personFacts(person)));
}
