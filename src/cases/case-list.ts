import type { Executor } from '../db/database.ts';
import { listPersonCases, type CaseRow } from './case.repository.ts';

/** The short form of a case used in lists and the person file. */
export function caseSummary(c: CaseRow) {
  return {
    id: c.id, workflowId: c.workflowId, workflowVersion: c.workflowVersion, parentCaseId: c.parentCaseId, personId: c.personId,
    state: c.state, status: c.status, outcome: c.outcome, version: c.version, dueAt: c.dueAt?.toISOString() ?? null,
    stepLevel: c.stepLevel, assigneeId: c.assigneeId, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}

export async function listPersonCasesView(db: Executor, personId: string) {
  return (await listPersonCases(db, personId)).map(caseSummary);
}
