import type { WorkflowDefinition } from './definition.types.ts';
import { SYSTEM_EVENTS } from './definition.types.ts';
import type { Report } from './finding.ts';
import { noticesOf, transitionsOf } from './transitions.ts';

/** Outcomes that leave the person with what the item gives; every other end takes something away. */
const FAVOURABLE = new Set(['granted', 'completed', 'transferred']);
const ADVERSE_KINDS = new Set(['decision', 'refusal']);

/** A step that waits for the person's 补正: its clock is paused, or a RETURN leads to it. */
function correctionStates(def: WorkflowDefinition): Set<string> {
  const out = new Set<string>();
  for (const [name, state] of Object.entries(def.machine.states)) {
    if (state.meta.pausesClock) out.add(name);
    for (const [type, t] of transitionsOf(state)) if (type === 'RETURN') out.add(t.target ?? name);
  }
  return out;
}

/**
 * What the machine may do when time runs out with nobody acting (issue #15 §3; ADR 0013): an
 * unanswered 补正 ends only an application the person made, and then as withdrawn; where the duty
 * is the state's, the case goes back to a step of its own in a clerk's queue; and any lapse that
 * ends a right says so on an adverse notice stating its reason (its remedy, like every adverse
 * transition's, is checked by the linter's remedy rule). A 补正 notice prints
 * the timer's date, so the state it leads to has a timer and the form no free deadline.
 */
export function lintLapses(def: WorkflowDefinition, report: Report): void {
  const states = def.machine.states;
  const correction = correctionStates(def);
  // A form used by several 补正 steps is told once.
  const freeDeadlines = new Set<string>();
  const enteredBy = new Map<string, string[]>();
  for (const state of Object.values(states)) {
    for (const [type, t] of transitionsOf(state)) {
      if (t.target) enteredBy.set(t.target, [...(enteredBy.get(t.target) ?? []), type]);
    }
  }
  for (const [name, state] of Object.entries(states)) {
    const base = `$.machine.states.${name}`;
    const lapseEvents = new Set<string>([...SYSTEM_EVENTS, ...(state.meta.timer ? [state.meta.timer.event] : [])]);
    for (const [type, t, suffix] of transitionsOf(state)) {
      const target = states[t.target ?? name];
      if (!target) continue;
      const path = `${base}${suffix}`;
      const notices = noticesOf(def, name, t);
      if (notices.some((n) => def.notices[n]?.kind === 'correction')) {
        if (!target.meta.timer) report(path, 'LINT_CORRECTION_NEEDS_TIMER');
        const formId = state.meta.events?.[type]?.form;
        const props = formId ? def.forms[formId]?.properties : undefined;
        if (props?.deadline && !freeDeadlines.has(formId!)) {
          freeDeadlines.add(formId!);
          report(`$.forms.${formId}.properties.deadline`, 'LINT_CORRECTION_NO_DEADLINE');
        }
      }
      if (!lapseEvents.has(type) || (t.target ?? name) === name) continue;
      const ends = target.type === 'final';
      if (correction.has(name) && !ends) {
        const own = (enteredBy.get(t.target!) ?? []).every((e) => lapseEvents.has(e));
        if (!target.meta.level || !target.meta.sla || correction.has(t.target!) || !own) {
          report(path, 'LINT_LAPSE_OWN_STEP');
        }
      }
      if (!ends || FAVOURABLE.has(target.meta.outcome ?? '')) continue;
      if (correction.has(name)) {
        if (def.initiation !== 'application') {
          report(path, 'LINT_LAPSE_STATE_DUTY', { initiation: def.initiation });
          continue;
        }
        if (target.meta.outcome !== 'withdrawn') report(path, 'LINT_LAPSE_WITHDRAWN');
      }
      const adverse = notices.filter((n) => ADVERSE_KINDS.has(def.notices[n]?.kind ?? ''));
      if (adverse.length === 0) report(path, 'LINT_LAPSE_NOTICE');
      for (const n of adverse) if (!def.notices[n]!.reason) report(`$.notices.${n}`, 'LINT_LAPSE_REASON');
    }
  }
}
