import { start } from '../engine/engine.ts';
import type { Holder } from '../engine/holding.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { localized } from '../messages/localized.ts';
import type { Lang } from '../messages/lang.ts';
import { inSubtree } from '../jurisdiction/within-area.ts';
import type { User } from '../users/user.repository.ts';
import { caseHolder } from './case-holder.ts';
import { startCase, type CaseParties } from './case-effects.ts';
import { isEligible, openingAsks } from './case-inputs.ts';
import { openingFacts, type OpeningFacts } from './case-open.repository.ts';
import type { CaseDeps } from './case.types.ts';
import { buildCaseView, type CaseView } from './case.view.ts';

export interface OpenCaseInput extends CaseParties {
  workflowId: string;
  personId: string;
}

/** An applicant or payee must be a person of the user's jurisdiction, like the subject. */
function partyInScope(facts: OpeningFacts, id: string | undefined, user: User, path: string): void {
  const at = id === undefined ? undefined : facts.partyPaths.get(id);
  if (id !== undefined && (at === undefined || !inSubtree(at, user.stationPath))) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path, message: '人员不存在或不在本辖区 / no such person in your jurisdiction' }] });
  }
}

/**
 * Who would hold the first step of a new case of the item for a person of `stationPath`, so the
 * start control can say where the case goes when it is not the starter's own queue.
 */
export async function firstHolder(
  deps: Pick<CaseDeps, 'db' | 'registry'>, workflowId: string, stationPath: string, now: Date,
): Promise<Holder | null> {
  const wf = await deps.registry.inForce(deps.db, workflowId, now);
  if (!wf) return null;
  return caseHolder(wf, { stationPath, assigneeId: null, escalatedTo: null, snapshot: start(wf).snapshot });
}

/**
 * Opens a case of an item for a person (the subject) in the user's jurisdiction, and answers with
 * it as GET then reads it, built from what the opening read and wrote: BEGIN, the person locked
 * with what eligibility, prefill and the answer need, the case written with its number and first
 * entry, COMMIT (docs/adr/0029-case-creation-in-few-round-trips.md).
 */
export async function openCase(deps: CaseDeps, user: User, input: OpenCaseInput, lang: Lang): Promise<CaseView> {
  authorize(user, 'case.open');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const wf = await deps.registry.inForce(trx, input.workflowId, now);
    const parties = [input.applicantId, input.payeeId].filter((id) => id !== undefined);
    // Two clerks opening the same item for one person at once: the second waits here, then sees the first's case.
    const facts = await openingFacts(trx, input.personId, openingAsks(wf, true, parties));
    if (!facts || !inSubtree(facts.person.stationPath, user.stationPath)) throw new AppError('NOT_FOUND');
    partyInScope(facts, input.applicantId, user, '/applicantId');
    partyInScope(facts, input.payeeId, user, '/payeeId');
    if (!wf) throw new AppError('NO_PUBLISHED_VERSION');
    if (!isEligible(wf, facts.person, facts.completedItems, now)) throw new AppError('NOT_ELIGIBLE', { detail: wf.definition.eligibility!.message });
    const started = await startCase(trx, deps, {
      wf, facts, input, parentCaseId: null, actorId: user.id, now, depth: 0,
    });
    if ('openCaseNo' in started) throw new AppError('CASE_ALREADY_OPEN', { detail: localized('CASE_NO_ALREADY_OPEN', { caseNo: started.openCaseNo }) });
    return buildCaseView(
      trx, deps.registry, started.row, user,
      {
        reveal: false, lang,
        inHand: {
          history: [{ ...started.entry, actorName: user.displayName }],
          notices: started.issuedNotices ? undefined : [], stations: facts.stations,
        },
      },
    );
  });
}
