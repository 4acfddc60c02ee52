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
  /** Entering a step clears these; only a restored clock (撤回) carries them. */
  overdueAt: Date | null;
  escalatedAt: Date | null;
  escalatedTo: string | null;
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
export function timingOnEntry(
  wf: CompiledWorkflow, prev: PreviousTiming | null, next: StoredSnapshot, now: Date, cal: WorkingCalendar,
): StepTiming | null {
  if (prev && prev.state === next.value) return null;
  const cleared = { overdueAt: null, escalatedAt: null, escalatedTo: null, stepEnteredAt: now } as const;
  if (next.status === 'done') {
    return {
      ...cleared, stepLevel: null, dueAt: null, dueUncertain: false, timerAt: null, pausedState: null,
      pausedWorkingDays: null,
    };
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
  return {
    ...base, dueAt: due?.at ?? null, dueUncertain: due?.uncertain ?? false, pausedState: null, pausedWorkingDays: null,
  };
}

/** A case's clock as it stands, to keep beside a step so that taking the step back can restore it. */
export function currentTiming(c: PreviousTiming & Omit<StepTiming, 'stepEnteredAt'> & { stepEnteredAt: Date | null }): StepTiming | null {
  if (!c.stepEnteredAt) return null;
  return {
    stepLevel: c.stepLevel, dueAt: c.dueAt, dueUncertain: c.dueUncertain, timerAt: c.timerAt,
    stepEnteredAt: c.stepEnteredAt, pausedState: c.pausedState, pausedWorkingDays: c.pausedWorkingDays,
    overdueAt: c.overdueAt, escalatedAt: c.escalatedAt, escalatedTo: c.escalatedTo,
  };
}

/** A kept clock read back from JSON (dates travel as ISO strings). */
export function timingFromJson(j: Record<string, unknown>): StepTiming {
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null);
  return {
    stepLevel: (j.stepLevel as string | null) ?? null, dueAt: date(j.dueAt), dueUncertain: j.dueUncertain === true,
    timerAt: date(j.timerAt), stepEnteredAt: date(j.stepEnteredAt)!,
    pausedState: (j.pausedState as string | null) ?? null,
    pausedWorkingDays: (j.pausedWorkingDays as number | null) ?? null, overdueAt: date(j.overdueAt),
    escalatedAt: date(j.escalatedAt), escalatedTo: (j.escalatedTo as string | null) ?? null,
  };
}
