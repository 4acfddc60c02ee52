import { actorOf } from '../cases/actor.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import type { Localized } from '../definitions/definition.types.ts';
import { allowedEvents } from '../engine/engine.ts';
import { caseHolder } from '../cases/case-holder.ts';
import type { User } from '../users/user.types.ts';
import { openCasesOfRoster } from './roster-cases.repository.ts';

/**
 * The decisions a roster's imported cases can take together: per step they wait at, the events the
 * user may send whose form the case data already fills (judged on the first case of the step).
 */
export async function rosterDecisions(deps: Pick<CaseDeps, 'db' | 'registry'>, user: User, rosterId: string): Promise<{ type: string; label: Localized; state: string; count: number }[]> {
  const byState = new Map<string, Awaited<ReturnType<typeof openCasesOfRoster>>>();
  for (const c of await openCasesOfRoster(deps.db, rosterId)) {
    byState.set(c.state, [...(byState.get(c.state) ?? []), c]);
  }
  const decisions = [];
  for (const [state, cases] of byState) {
    const c = cases[0]!;
    const wf = await deps.registry.get(deps.db, c.workflowId, c.workflowVersion);
    if (!wf) continue;
    for (const e of allowedEvents(wf, c.snapshot, actorOf(user), { holder: caseHolder(wf, c) })) {
      const schema = e.form ? wf.definition.forms[e.form] : undefined;
      const filled = !schema || (schema.required ?? []).every((k) => k === 'materials' || c.snapshot.context.data[k] !== undefined);
      if (filled) decisions.push({ type: e.type, label: e.label, state, count: cases.length });
    }
  }
  return decisions;
}
