import { addWorkingDays, dueAt, workingDaysLeft } from '../calendar/deadline.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { actingLevel, type StoredSnapshot } from '../engine/engine.ts';

/** Everything about a case's clock that changes when it enters a step. */
export interface StepTiming {
  stepLevel: string | null;
  dueAt: Date | null;
  dueUncertain: boolean;
  timerAt: Date | null;
  stepEnteredAt: Date;
  pausedState: string | null;
  pausedWorkingDays: number | null;
  overdueAt: null;
  escalatedAt: null;
  escalatedTo: null;
}

export interface PreviousTiming {
  state: string;
  dueAt: Date | null;
  pausedState: string | null;
  pausedWorkingDays: number | null;
}

/**
 * The clock after entering `next`: a fresh SLA deadline; or, entering a step that waits for the
 * applicant's missing materials (`pausesClock`), the working days left are kept and the clock
 * stops; coming back to the paused step, it runs on from there. A step's own timer is separate.
 * A transition that stays in the same step changes nothing (returns null).
 */
export function timingOnEntry(wf: CompiledWorkflow, prev: PreviousTiming | null, next: StoredSnapshot, now: Date, cal: WorkingCalendar): StepTiming | null {
  if (prev && prev.state === next.value) return null;
  const cleared = { overdueAt: null, escalatedAt: null, escalatedTo: null, stepEnteredAt: now } as const;
  if (next.status === 'done') {
    return { ...cleared, stepLevel: null, dueAt: null, dueUncertain: false, timerAt: null, pausedState: null, pausedWorkingDays: null };
  }
  const meta = wf.definition.machine.states[next.value]!.meta;
  const timerAt = meta.timer ? dueAt(meta.timer, now, cal).at : null;
  const base = { ...cleared, stepLevel: actingLevel(wf.definition.machine.states[next.value]!), timerAt };
  if (meta.pausesClock) {
    const left = prev?.dueAt ? workingDaysLeft(now, prev.dueAt, cal) : null;
    return { ...base, dueAt: null, dueUncertain: false, pausedState: prev?.state ?? null, pausedWorkingDays: left };
  }
  const due = prev && prev.pausedState === next.value && prev.pausedWorkingDays !== null
    ? addWorkingDays(now, prev.pausedWorkingDays, cal)
    : meta.sla ? dueAt(meta.sla, now, cal) : null;
  return { ...base, dueAt: due?.at ?? null, dueUncertain: due?.uncertain ?? false, pausedState: null, pausedWorkingDays: null };
}
