import type { Executor } from '../db/database.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { personFacts, prefillValues } from '../definitions/prefill.ts';
import type { Person } from '../persons/person.repository.ts';
import { ageOn } from '../time/shanghai.ts';
import { completedWorkflows, personCaseData } from './case.repository.ts';
import type { OpeningAsks } from './case-open.repository.ts';

/** The outcomes that count an item as done for eligibility (`completedItems`). */
const DONE_OUTCOMES = ['completed', 'granted', 'transferred'] as const;

/** What an eligibility schema is checked against: the person file and the items already completed. */
function eligibilitySubjectOf(person: Person, completedItems: string[], now: Date): Record<string, unknown> {
  return {
    person: { ...person.attributes, sex: person.sex, birthDate: person.birthDate, age: ageOn(person.birthDate, now) },
    completedItems,
  };
}

/** eligibilitySubjectOf with the completed items read. */
export async function eligibilitySubject(db: Executor, person: Person, now: Date): Promise<Record<string, unknown>> {
  return eligibilitySubjectOf(person, await completedWorkflows(db, person.id, DONE_OUTCOMES), now);
}

/** What opening a case of the item reads with its person: the items completed, earlier answers, if it asks for them. */
export function openingAsks(wf: CompiledWorkflow | undefined, lock: boolean, parties: string[]): OpeningAsks {
  const completedOutcomes = wf?.eligibility ? DONE_OUTCOMES : null;
  return { lock, parties, completedOutcomes, caseData: wf?.definition.prefill !== undefined };
}

/** Whether the person may have a case of the item; an item without an eligibility schema is open to all. */
export function isEligible(wf: CompiledWorkflow, person: Person, completedItems: string[], now: Date): boolean {
  return !wf.eligibility || (wf.eligibility(eligibilitySubjectOf(person, completedItems, now)) as boolean);
}

/**
 * Answers given once are reused: form fields the person file or the person's earlier cases
 * already hold (`caseData`, oldest first) are filled in when a case starts, for the clerk to confirm.
 */
export function prefillOf(
  def: WorkflowDefinition, person: Person, caseData: Record<string, unknown>[],
): Record<string, unknown> {
  if (!def.prefill) return {};
  const known: Record<string, unknown> = {};
  for (const data of caseData) Object.assign(known, data);
  return prefillValues(def, Object.assign(known, personFacts(person)));
}

/** prefillOf with the person's earlier cases read. */
export async function prefillData(
  db: Executor, def: WorkflowDefinition, person: Person,
): Promise<Record<string, unknown>> {
  return def.prefill ? prefillOf(def, person, await personCaseData(db, person.id)) : {};
}
