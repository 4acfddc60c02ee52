import { start } from '../engine/engine.ts';
import type { Holder } from '../engine/holding.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { localized } from '../messages/localized.ts';
import type { Lang } from '../messages/lang.ts';
import type { Executor } from '../db/database.ts';
import { findPerson, lockPerson } from '../persons/person.repository.ts';
import type { User } from '../users/user.repository.ts';
import { caseHolder } from './case-holder.ts';
import { startCase, type CaseParties } from './case-effects.ts';
import { isEligible } from './case-inputs.ts';
import { findCase, openCaseNo } from './case.repository.ts';
import type { CaseDeps } from './case.types.ts';
import { buildCaseView, type CaseView } from './case.view.ts';

export interface OpenCaseInput extends CaseParties {
  workflowId: string;
  personId: string;
}

async function personInScope(db: Executor, id: string | undefined, user: User, path: string): Promise<void> {
  if (id && !(await findPerson(db, id, user.stationPath))) throw new AppError('VALIDATION_FAILED', { errors: [{ path, message: '人员不存在或不在本辖区 / no such person in your jurisdiction' }] });
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

/** Opens a case of an item for a person (the subject) in the user's jurisdiction. */
export async function openCase(deps: CaseDeps, user: User, input: OpenCaseInput, lang: Lang): Promise<CaseView> {
  authorize(user, 'case.open');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const person = await findPerson(trx, input.personId, user.stationPath);
    if (!person) throw new AppError('NOT_FOUND');
    await personInScope(trx, input.applicantId, user, '/applicantId');
    await personInScope(trx, input.payeeId, user, '/payeeId');
    const wf = await deps.registry.inForce(trx, input.workflowId, now);
    if (!wf) throw new AppError('NO_PUBLISHED_VERSION');
    // Two clerks opening the same item for one person at once: the second waits, then sees the first.
    await lockPerson(trx, person.id);
    if (!(await isEligible(trx, wf, person, now))) throw new AppError('NOT_ELIGIBLE', { detail: wf.definition.eligibility!.message });
    const open = wf.definition.allowConcurrentCases ? undefined : await openCaseNo(trx, wf.definition.id, person.id);
    if (open) throw new AppError('CASE_ALREADY_OPEN', { detail: localized('CASE_NO_ALREADY_OPEN', { caseNo: open }) });
    const id = await startCase(trx, deps, { wf, person, input, parentCaseId: null, actorId: user.id, now, depth: 0 });
    const opened = (await findCase(trx, id, user.stationPath))!;
    return buildCaseView(trx, deps.registry, opened, user, { reveal: false, lang });
  });
}
