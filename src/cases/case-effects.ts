import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { start, type Effect, type StoredSnapshot } from '../engine/engine.ts';
import { AppError } from '../http/errors.ts';
import { issueNotice } from '../notices/notice.service.ts';
import type { Person } from '../persons/person.repository.ts';
import { isEligible, prefillData } from './case-inputs.ts';
import { takeCaseNumbers } from './case-number.ts';
import { insertCase, openCaseNo } from './case.repository.ts';
import type { CaseDeps } from './case.types.ts';
import { appendEvent } from './case-event.repository.ts';
import { timingOnEntry } from './step-timing.ts';

/**
 * What a step's effects do (notices, child cases), and starting a case, which is itself an effect
 * of its parent's step and carries out what entering its own first state asks: the three call
 * one another, so they live together.
 */

/** Who else a case is for, besides its subject. */
export interface CaseParties {
  applicantId?: string;
  payeeId?: string;
  agent?: Record<string, unknown>;
}

/** Child cases may start further children; a bound keeps a bad definition from looping. */
const MAX_CHILD_DEPTH = 3;

interface StartArgs {
  wf: CompiledWorkflow;
  person: Person;
  input: CaseParties;
  parentCaseId: string | null;
  actorId: string | null;
  now: Date;
  depth: number;
}

/** Creates a case and its first history entry, then carries out what entering the first state asks. */
export async function startCase(trx: Executor, deps: CaseDeps, a: StartArgs): Promise<string> {
  const data = await prefillData(trx, a.wf.definition, a.person);
  const started = start(a.wf, data);
  const id = newId(a.now.getTime());
  const [caseNo] = await takeCaseNumbers(trx, a.wf.definition, a.now);
  try {
    await insertCase(trx, {
      id, caseNo: caseNo!, workflowId: a.wf.definition.id, workflowVersion: a.wf.definition.version,
      parentCaseId: a.parentCaseId,
      personId: a.person.id, applicantId: a.input.applicantId ?? null, payeeId: a.input.payeeId ?? null,
      agent: a.input.agent ?? null, stationId: a.person.stationId, stationPath: a.person.stationPath,
      exclusive: !a.wf.definition.allowConcurrentCases, snapshot: started.snapshot,
      timing: timingOnEntry(a.wf, null, started.snapshot, a.now, deps.calendar.current)!,
      createdBy: a.actorId, now: a.now,
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AppError('CASE_ALREADY_OPEN');
    throw err;
  }
  await appendEvent(trx, id, {
    seq: 1, kind: 'machine', type: 'START', payload: { data, parentCaseId: a.parentCaseId }, actorId: a.actorId,
    fromState: null, toState: started.snapshot.value, at: a.now,
  });
  await applyEffects(trx, deps, {
    caseId: id, wf: a.wf, person: a.person, snapshot: started.snapshot,
    seq: 1, actorId: a.actorId, now: a.now, depth: a.depth,
  }, started.effects);
  return id;
}

export interface EffectContext {
  caseId: string;
  wf: CompiledWorkflow;
  person: Person;
  snapshot: StoredSnapshot;
  seq: number;
  actorId: string | null;
  now: Date;
  depth: number;
}

/** Issues notices and starts child cases, inside the step's transaction. */
export async function applyEffects(trx: Executor, deps: CaseDeps, c: EffectContext, effects: Effect[]): Promise<void> {
  for (const effect of effects) {
    if (effect.type === 'issueNotice') {
      // Numbered and its text rendered here; the PDF is made after commit (src/notices/).
      await issueNotice(trx, deps.db, {
        caseId: c.caseId, eventSeq: c.seq, noticeKey: effect.notice, wf: c.wf, person: c.person, snapshot: c.snapshot,
        actorId: c.actorId, now: c.now,
      });
    } else if (c.depth < MAX_CHILD_DEPTH) {
      await startChild(trx, deps, c, effect.workflowId);
    }
  }
}

/** A child item the person is not eligible for, or already has open, is skipped rather than failing the parent. */
async function startChild(trx: Executor, deps: CaseDeps, c: EffectContext, workflowId: string): Promise<void> {
  const wf = await deps.registry.inForce(trx, workflowId, c.now);
  if (!wf || !(await isEligible(trx, wf, c.person, c.now))) return;
  if (!wf.definition.allowConcurrentCases && (await openCaseNo(trx, workflowId, c.person.id))) return;
  await startCase(trx, deps, {
    wf, person: c.person, input: {}, parentCaseId: c.caseId, actorId: c.actorId, now: c.now, depth: c.depth + 1,
  });
}
