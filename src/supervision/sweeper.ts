import { addWorkingDays, dueAt } from '../calendar/deadline.ts';
import { lockCase } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { applySystemEvent, type CaseDeps } from '../cases/case.service.ts';
import type { Executor } from '../db/database.ts';
import { escalateStep } from './escalation.ts';
import { claimDueCases, markOverdue, setTimer, type SweepDue } from './sweep.repository.ts';

export interface SweepOptions {
  /** Working days an overdue step may wait before it is escalated to the next level. */
  graceWorkingDays: number;
  batchSize: number;
}

export interface SweepResult {
  timers: number;
  deadlines: number;
  overdue: number;
  escalated: number;
}

/** Runs `batch` over successive claimed batches (keyset by id, so every row is visited once) until none is full. */
async function inBatches(
  deps: CaseDeps, due: SweepDue, now: Date, limit: number, batch: (trx: Executor, ids: string[]) => Promise<void>,
): Promise<void> {
  let after = '';
  for (;;) {
    const ids = await deps.db.transaction().execute(async (trx) => {
      const claimed = await claimDueCases(trx, due, now, after, limit);
      await batch(trx, claimed);
      return claimed;
    });
    if (ids.length < limit) return;
    after = ids[ids.length - 1]!;
  }
}

/**
 * Moves cases whose time has come: a step's own timer sends its event (a public notice ends by
 * itself); a passed SLA sends DEADLINE where the step handles one, else marks the case overdue;
 * past the grace it is escalated once: the level above takes the step (escalation.ts). Safe with
 * several sweepers at once (row locks, SKIP LOCKED, and every condition re-read under the lock)
 * and it catches up after downtime, because it works from stored times, not from intervals it
 * happened to see.
 */
export async function sweep(deps: CaseDeps, opts: SweepOptions): Promise<SweepResult> {
  const result: SweepResult = { timers: 0, deadlines: 0, overdue: 0, escalated: 0 };
  const now = deps.clock.now();
  await deps.calendar.refresh(deps.db);
  const cal = deps.calendar.current;
  await inBatches(deps, 'timer', now, opts.batchSize, async (trx, ids) => {
    for (const id of ids) {
      const c = (await lockCase(trx, id, EVERYWHERE))!;
      const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
      const timer = wf.definition.machine.states[c.state]!.meta.timer;
      const moved = timer ? await applySystemEvent(trx, deps, c, timer.event, now) : false;
      const after = (await lockCase(trx, id, EVERYWHERE))!;
      // A timer that leaves the case in the same step (or could not fire) starts its next period.
      if (after.state === c.state && after.timerAt?.getTime() === c.timerAt?.getTime()) {
        await setTimer(trx, id, timer ? dueAt(timer, now, cal).at : null);
      }
      if (moved) result.timers++;
    }
  });
  await inBatches(deps, 'deadline', now, opts.batchSize, async (trx, ids) => {
    for (const id of ids) {
      const c = (await lockCase(trx, id, EVERYWHERE))!;
      const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
      const state = wf.definition.machine.states[c.state]!;
      if (state.on?.DEADLINE && !state.meta.timer && (await applySystemEvent(trx, deps, c, 'DEADLINE', now))) {
        result.deadlines++;
        continue;
      }
      await markOverdue(trx, id, now);
      result.overdue++;
    }
  });
  await inBatches(deps, 'escalation', now, opts.batchSize, async (trx, ids) => {
    for (const id of ids) {
      const c = (await lockCase(trx, id, EVERYWHERE))!;
      if (!c.dueAt || addWorkingDays(c.dueAt, opts.graceWorkingDays, cal).at > now) continue;
      const wf = (await deps.registry.get(trx, c.workflowId, c.workflowVersion))!;
      if (wf.definition.machine.states[c.state]!.on?.ESCALATE && (await applySystemEvent(trx, deps, c, 'ESCALATE', now))) {
        result.escalated++;
        continue;
      }
      await escalateStep(trx, c, { actorId: null, extras: { dueAt: c.dueAt.toISOString(), automatic: true } }, now);
      result.escalated++;
    }
  });
  return result;
}
