import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import { chineseDate } from './notice-format.ts';

export interface CorrectionTerms {
  /** The day the entered state's timer runs out, as printed. */
  deadline: string;
  /** What the machine does on that timer, in the notice's words. */
  consequence: string;
}

/**
 * The period and the consequence a 补正 notice states, read from the machine rather than typed by
 * the clerk: the timer of the state the case enters (its due time is `timerAt`) and where that
 * timer's event leads. Without a timer there is no period to state (undefined; the strict
 * template then fails the step, and the linter refuses such a definition).
 */
export function correctionTerms(
  def: WorkflowDefinition, toState: string, timerAt: Date | null,
): CorrectionTerms | undefined {
  const state = def.machine.states[toState];
  const timer = state?.meta.timer;
  if (!state || !timer || !timerAt) return undefined;
  const on = state.on?.[timer.event];
  const first = Array.isArray(on) ? on[0] : on;
  const target = first ? def.machine.states[first.target ?? toState] : undefined;
  const consequence = target?.type !== 'final'
    ? message('zh', 'NOTICE_LAPSE_CONTINUES')
    : target.meta.outcome === 'withdrawn'
      ? message('zh', 'NOTICE_LAPSE_WITHDRAWN')
      : message('zh', 'NOTICE_LAPSE_ENDS', { step: target.meta.step.zh });
  return { deadline: chineseDate(timerAt), consequence };
}
