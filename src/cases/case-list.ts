import type { Executor } from '../db/database.ts';
import { listPersonCases } from './case.repository.ts';
import type { Case } from './case.types.ts';
import { holderOf, isHoldingLevel } from '../engine/holding.ts';

/** What a list shows of a case: not the form data nor the agent, sealed and read when the case is opened. */
export type ListedCase = Pick<Case,
  'id' | 'caseNo' | 'workflowId' | 'workflowVersion' | 'parentCaseId' | 'personId' | 'stationPath' | 'state' | 'status'
  | 'outcome' | 'version' | 'stepLevel' | 'dueAt' | 'dueUncertain' | 'escalatedTo' | 'assigneeId' | 'stepEnteredAt'
  | 'lastEventAt' | 'createdAt' | 'updatedAt'>;

/** The station whose queue a step waits in (escalated: the level it went to), handed to a person or not. */
function holderStation(c: ListedCase): string | null {
  const h = holderOf({ ...c, assigneeId: null }, isHoldingLevel(c.stepLevel) ? c.stepLevel : null);
  return h?.kind === 'queue' ? h.stationPath.split('.').at(-1)! : null;
}

/** The short form of a case used in lists and the person file: where it is, since when, who holds it. */
export function caseSummary(c: ListedCase, now = new Date()) {
  return {
    id: c.id, caseNo: c.caseNo, workflowId: c.workflowId, workflowVersion: c.workflowVersion,
    parentCaseId: c.parentCaseId,
    personId: c.personId, state: c.state, status: c.status, outcome: c.outcome, version: c.version,
    dueAt: c.dueAt?.toISOString() ?? null,
    dueUncertain: c.dueUncertain, overdue: c.status === 'open' && c.dueAt !== null && c.dueAt < now, escalatedTo: c.escalatedTo,
    stepLevel: c.stepLevel, holderStationId: holderStation(c), assigneeId: c.assigneeId,
    stepEnteredAt: c.stepEnteredAt?.toISOString() ?? null,
    daysInStep: c.stepEnteredAt && c.status === 'open' ? Math.floor((now.getTime() - c.stepEnteredAt.getTime()) / 86_400_000) : null,
    lastEventAt: c.lastEventAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}

export type CaseSummary = ReturnType<typeof caseSummary>;

export async function listPersonCasesView(db: Executor, personId: string, now: Date) {
  return (await listPersonCases(db, personId)).map((c) => caseSummary(c, now));
}
