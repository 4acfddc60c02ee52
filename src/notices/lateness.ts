import type { Field } from './notice-facts.ts';
import { daysLate } from '../engine/days-late.ts';
import { evaluateGuard, guardParts, type CaseContext, type CompiledWorkflow } from '../engine/compile.ts';
import { message } from '../messages/catalogue.ts';
import { markupSafe } from './markup.ts';
import { chineseIsoDate } from './notice-format.ts';

const DAY_MS = 24 * 3600 * 1000;

function isoPlus(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The delays the definition's `daysLate` guards compute on this case, for a decision that rests on
 * them: only guards the case data satisfies as a whole (so a branch for another placement type,
 * say, does not print a figure that does not apply), each once.
 */
export function latenessFields(wf: CompiledWorkflow, context: CaseContext): Field[] {
  const out = new Map<string, Field>();
  for (const state of Object.values(wf.definition.machine.states)) {
    for (const t of Object.values(state.on ?? {}).flat()) {
      if (!t.guard || !evaluateGuard(wf, t.guard, context, { type: '' })) continue;
      for (const g of guardParts(t.guard)) {
        if (g.type !== 'daysLate') continue;
        const late = daysLate(g.params, context.data);
        if (late === null || out.has(g.params.label.zh)) continue;
        const end = isoPlus(context.data[g.params.from] as string, g.params.calendarDays ?? 0);
        const value = message('zh', 'NOTICE_DAYS_LATE', { days: late, end: chineseIsoDate(end), at: chineseIsoDate(context.data[g.params.at] as string) });
        out.set(g.params.label.zh, { label: markupSafe(g.params.label.zh), value: markupSafe(value) });
      }
    }
  }
  return [...out.values()];
}
