import type { WorkflowDefinition } from './definition.types.ts';
import { SYSTEM_EVENTS } from './definition.types.ts';
import { noticesOf, transitionsOf } from './transitions.ts';

export interface LapseFinding {
  path: string;
  message: string;
}

/** Outcomes that leave the person with what the item gives; every other end takes something away. */
const FAVOURABLE = new Set(['granted', 'completed', 'transferred']);
const ADVERSE_KINDS = new Set(['decision', 'refusal']);

/** A step that waits for the person's 补正: its clock is paused, or a RETURN leads to it. */
export function correctionStates(def: WorkflowDefinition): Set<string> {
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
export function lapseFindings(def: WorkflowDefinition): LapseFinding[] {
  const out: LapseFinding[] = [];
  const states = def.machine.states;
  const correction = correctionStates(def);
  const enteredBy = new Map<string, string[]>();
  for (const state of Object.values(states)) {
    for (const [type, t] of transitionsOf(state)) if (t.target) enteredBy.set(t.target, [...(enteredBy.get(t.target) ?? []), type]);
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
        if (!target.meta.timer) out.push({ path, message: 'a 补正 notice prints the date its timer runs out: the state it leads to needs a timer' });
        const formId = state.meta.events?.[type]?.form;
        const props = formId ? (def.forms[formId]?.properties as Record<string, unknown> | undefined) : undefined;
        if (props?.deadline && !out.some((f) => f.path === `$.forms.${formId}.properties.deadline`)) out.push({ path: `$.forms.${formId}.properties.deadline`, message: 'a 补正 form takes no free deadline: the notice prints the timer\'s date' });
      }
      if (!lapseEvents.has(type) || (t.target ?? name) === name) continue;
      const ends = target.type === 'final';
      if (correction.has(name) && !ends) {
        const own = (enteredBy.get(t.target!) ?? []).every((e) => lapseEvents.has(e));
        if (!target.meta.level || !target.meta.sla || correction.has(t.target!) || !own) {
          out.push({ path, message: 'an unanswered 补正 goes back to a clerk through a step of its own (named for it, with a level and an SLA), entered only by the lapse' });
        }
      }
      if (!ends || FAVOURABLE.has(target.meta.outcome ?? '')) continue;
      if (correction.has(name)) {
        if (def.initiation !== 'application') {
          out.push({ path, message: `where the duty is the state's (initiation "${def.initiation}"), an unanswered 补正 cannot end the case: it goes back to a clerk's step` });
          continue;
        }
        if (target.meta.outcome !== 'withdrawn') out.push({ path, message: 'an unanswered 补正 closes an application as withdrawn (视为撤回), nothing else' });
      }
      const adverse = notices.filter((n) => ADVERSE_KINDS.has(def.notices[n]?.kind ?? ''));
      if (adverse.length === 0) out.push({ path, message: 'a lapse that ends a right issues a notice of kind "decision" or "refusal"' });
      for (const n of adverse) if (!def.notices[n]!.reason) out.push({ path: `$.notices.${n}`, message: 'a notice issued when time runs out has no form behind it: it needs its own "reason"' });
    }
  }
  return out;
}
