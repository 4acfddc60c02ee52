import type { WorkflowDefinition } from './definition.types.ts';
import { transitionsOf } from './transitions.ts';

/** A place a workflow issues a notice: the notice, the step (event from a state, into a state) and its form. */
export interface IssuePoint {
  noticeKey: string;
  fromState: string | null;
  event: string;
  toState: string;
  form?: string;
}

/**
 * Every (notice, event) pair a definition can produce: transition actions, and entry actions reached by each way in.
 */
export function issuePoints(def: WorkflowDefinition): IssuePoint[] {
  const out: IssuePoint[] = [];
  const incoming = new Map<string, { from: string; event: string; form?: string }[]>();
  for (const [from, state] of Object.entries(def.machine.states)) {
    for (const [event, t] of transitionsOf(state)) {
      const to = t.target ?? from;
      const form = state.meta.events?.[event]?.form;
      incoming.set(to, [...(incoming.get(to) ?? []), { from, event, form }]);
      for (const a of t.actions ?? []) if (a.type === 'issueNotice') out.push({ noticeKey: a.params.notice, fromState: from, event, toState: to, form });
    }
  }
  for (const [name, state] of Object.entries(def.machine.states)) {
    for (const a of state.entry ?? []) {
      if (a.type !== 'issueNotice') continue;
      const ways = incoming.get(name) ?? [];
      if (ways.length === 0) out.push({ noticeKey: a.params.notice, fromState: null, event: 'START', toState: name });
      for (const w of ways) {
        out.push({ noticeKey: a.params.notice, fromState: w.from, event: w.event, toState: name, form: w.form });
      }
    }
  }
  return out;
}
