import { eligibilitySubject } from '../cases/case-inputs.ts';
import { listPersonCases } from '../cases/case.repository.ts';
import type { Db, Executor } from '../db/database.ts';
import type { Localized, Stage } from '../definitions/definition.types.ts';
import type { WorkflowRegistry } from '../cases/workflow.registry.ts';
import type { Person } from '../persons/person.repository.ts';

const STAGES: Stage[] = ['enlistment', 'service', 'discharge'];

export interface ChainItem {
  workflowId: string;
  version: number;
  stage: Stage;
  order: number;
  title: Localized;
  initiation: string;
}

/** The items in force along the soldier's chain: enlistment → service → discharge, then catalogue order. */
export async function chainItems(registry: WorkflowRegistry, db: Executor, now: Date): Promise<ChainItem[]> {
  return (await registry.definitionsInForce(db, now))
    .map((d) => ({
      workflowId: d.id, version: d.version, stage: d.stage, order: d.order, title: d.title, initiation: d.initiation,
    }))
    .sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.order - b.order);
}

/** Titles of the items in force, by id. */
export async function itemTitles(registry: WorkflowRegistry, db: Executor, now: Date): Promise<Map<string, Localized>> {
  return new Map((await registry.definitionsInForce(db, now)).map((d) => [d.id, d.title]));
}

export type ChainStatus =
  | { status: 'not-applicable'; reason: Localized }
  | { status: 'not-started' }
  | { status: 'in-progress'; caseId: string; caseNo: string; state: string; step: Localized; dueAt: string | null }
  | { status: 'done'; caseId: string; caseNo: string; outcome: string | null; closedAt: string | null };

/** Where a person stands on each item: from eligibility and their cases (an open case first, else the latest). */
export async function personChain(
  db: Db, registry: WorkflowRegistry, person: Person, now: Date,
): Promise<(ChainItem & ChainStatus)[]> {
  const items = await chainItems(registry, db, now);
  const cases = await listPersonCases(db, person.id);
  const subject = await eligibilitySubject(db, person, now);
  const out: (ChainItem & ChainStatus)[] = [];
  for (const item of items) {
    const mine = cases.filter((c) => c.workflowId === item.workflowId);
    const open = mine.find((c) => c.status === 'open');
    const latest = mine[mine.length - 1];
    if (open) {
      const wf = (await registry.get(db, open.workflowId, open.workflowVersion))!;
      out.push({ ...item, status: 'in-progress', caseId: open.id, caseNo: open.caseNo, state: open.state, step: wf.definition.machine.states[open.state]!.meta.step, dueAt: open.dueAt?.toISOString() ?? null });
    } else if (latest) {
      out.push({ ...item, status: 'done', caseId: latest.id, caseNo: latest.caseNo, outcome: latest.outcome, closedAt: latest.closedAt?.toISOString() ?? null });
    } else {
      const wf = (await registry.get(db, item.workflowId, item.version))!;
      if (wf.eligibility && !wf.eligibility(subject)) out.push({ ...item, status: 'not-applicable', reason: wf.definition.eligibility!.message });
      else out.push({ ...item, status: 'not-started' });
    }
  }
  return out;
}
