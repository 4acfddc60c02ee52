import { dueAt } from '../calendar/deadline.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { JsonSchema, Localized, WorkflowDefinition } from '../definitions/definition.types.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { start, step, type Actor } from '../engine/engine.ts';

export interface PathStep {
  from: string;
  event: string;
  to: string;
}

/** Every simple path (no state twice) from the initial state to each final state; bounded for huge machines. */
export function allPaths(
  def: WorkflowDefinition, limit = 500,
): { final: string; outcome: string | undefined; steps: PathStep[] }[] {
  const out: { final: string; outcome: string | undefined; steps: PathStep[] }[] = [];
  const walk = (state: string, seen: Set<string>, steps: PathStep[]) => {
    if (out.length >= limit) return;
    const s = def.machine.states[state]!;
    if (s.type === 'final') {
      out.push({ final: state, outcome: s.meta.outcome, steps });
      return;
    }
    for (const [event, t] of Object.entries(s.on ?? {})) {
      for (const target of new Set((Array.isArray(t) ? t : [t]).map((x) => x.target ?? state))) {
        if (seen.has(target)) continue;
        walk(target, new Set([...seen, target]), [...steps, { from: state, event, to: target }]);
      }
    }
  };
  walk(def.machine.initial, new Set([def.machine.initial]), []);
  return out;
}

export interface SimulatedStep {
  state: string;
  step: Localized;
  level: string | null;
  form: { id: string; schema: JsonSchema } | null;
  event: string | null;
  dueAt: string | null;
  timerAt: string | null;
  notices: { key: string; title: Localized }[];
  startsCases: string[];
  rejected?: { code: string; errors?: unknown; detail?: unknown };
}

const SIMULATOR: Actor = { id: 'simulator', role: 'system', level: 'system' };

/**
 * Walks events through a definition with sample data, as the engine would, and reports what
 * each step shows and produces (forms, notices, deadlines, child cases). Nothing is stored.
 */
export function simulate(
  wf: CompiledWorkflow, events: { type: string; data?: Record<string, unknown> }[], from: Date, cal: WorkingCalendar,
): SimulatedStep[] {
  const def = wf.definition;
  const describe = (
    state: string, event: string | null, effects: { type: string; notice?: string; workflowId?: string }[],
  ): SimulatedStep => {
    const meta = def.machine.states[state]!.meta;
    const nextEvent = events[out.length]?.type;
    const formId = nextEvent ? meta.events?.[nextEvent]?.form : undefined;
    return {
      state, step: meta.step, level: meta.level ?? null, event,
      form: formId ? { id: formId, schema: def.forms[formId]! } : null,
      dueAt: meta.sla ? dueAt(meta.sla, from, cal).at.toISOString() : null,
      timerAt: meta.timer ? dueAt(meta.timer, from, cal).at.toISOString() : null,
      notices: effects.filter((e) => e.type === 'issueNotice').map((e) => ({ key: e.notice!, title: def.notices[e.notice!]!.title })),
      startsCases: effects.filter((e) => e.type === 'startCase').map((e) => e.workflowId!),
    };
  };
  const out: SimulatedStep[] = [];
  const first = start(wf);
  let snap = first.snapshot;
  out.push(describe(snap.value, null, first.effects));
  for (const e of events) {
    const r = step(wf, snap, e, SIMULATOR, { lang: 'zh', now: from, holder: null });
    if (!r.ok) {
      out[out.length - 1]!.rejected = { code: r.code, errors: r.errors, detail: r.detail };
      break;
    }
    snap = r.snapshot;
    out.push(describe(snap.value, e.type, r.effects));
  }
  return out;
}
