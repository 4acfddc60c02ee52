import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { start, type Effect, type StoredSnapshot } from '../engine/engine.ts';
import { AppError } from '../http/errors.ts';
import { issueNotice } from '../notices/notice.service.ts';
import type { Person } from '../persons/person.repository.ts';
import { isEligible, openingAsks, prefillOf } from './case-inputs.ts';
import { caseNumberCounter } from './case-number.ts';
import { openingFacts, type OpeningFacts } from './case-open.repository.ts';
import { insertStartedCase } from './case-start.repository.ts';
import type { Case, CaseDeps } from './case.types.ts';
import type { WrittenEvent } from './case-event.repository.ts';
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
  /** The person (locked when a clerk opens the case) with what the item's prefill reads (case-open.repository.ts). */
  facts: OpeningFacts;
  input: CaseParties;
  parentCaseId: string | null;
  actorId: string | null;
  now: Date;
  depth: number;
}

/** A case just started: its row and first entry as written; whether entering its first state issued notices. */
export interface StartedCase {
  row: Case;
  entry: WrittenEvent;
  issuedNotices: boolean;
}

/**
 * Creates a case and its first history entry, then carries out what entering the first state asks;
 * the number of the person's open case of the item instead, when the item allows one at a time.
 */
export async function startCase(
  trx: Executor, deps: CaseDeps, a: StartArgs,
): Promise<StartedCase | { openCaseNo: string }> {
  const { person } = a.facts;
  const data = prefillOf(a.wf.definition, person, a.facts.caseData);
  const started = start(a.wf, data);
  const id = newId(a.now.getTime());
  const entry: WrittenEvent = {
    seq: 1, kind: 'machine', type: 'START', payload: { data, parentCaseId: a.parentCaseId }, actorId: a.actorId,
    fromState: null, toState: started.snapshot.value, at: a.now,
  };
  let written;
  try {
    written = await insertStartedCase(trx, {
      id, workflowId: a.wf.definition.id, workflowVersion: a.wf.definition.version, parentCaseId: a.parentCaseId,
      personId: person.id, applicantId: a.input.applicantId ?? null, payeeId: a.input.payeeId ?? null,
      agent: a.input.agent ?? null, stationId: person.stationId, stationPath: person.stationPath,
      exclusive: !a.wf.definition.allowConcurrentCases, counter: caseNumberCounter(a.wf.definition, a.now),
      snapshot: started.snapshot, timing: timingOnEntry(a.wf, null, started.snapshot, a.now, deps.calendar.current)!,
      createdBy: a.actorId, now: a.now,
    }, entry);
  } catch (err) {
    // Another opening's case went in between: the one-open-case index holds the line.
    if ((err as { code?: string }).code === '23505') throw new AppError('CASE_ALREADY_OPEN');
    throw err;
  }
  if ('openCaseNo' in written) return written;
  await applyEffects(trx, deps, {
    caseId: id, wf: a.wf, person, snapshot: started.snapshot, seq: 1, actorId: a.actorId, now: a.now, depth: a.depth,
  }, started.effects);
  return { row: written.row, entry, issuedNotices: started.effects.some((e) => e.type === 'issueNotice') };
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
  if (!wf) return;
  const facts = (await openingFacts(trx, c.person.id, openingAsks(wf, false, [])))!;
  if (!isEligible(wf, facts.person, facts.completedItems, c.now)) return;
  await startCase(trx, deps, {
    wf, facts, input: {}, parentCaseId: c.caseId, actorId: c.actorId, now: c.now, depth: c.depth + 1,
  });
}
