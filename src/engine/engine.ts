import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { ADMIN_ACTS, type Level, type StateConfig, type TransitionConfig } from '../definitions/definition.types.ts';
import { isSystemEvent } from '../definitions/transitions.ts';
import { message } from '../messages/catalogue.ts';
import type { FieldError } from '../messages/field-error.ts';
import type { ErrorCode } from '../messages/error.messages.ts';
import type { Lang } from '../messages/lang.ts';
import { evaluateGuard, formErrors, guardMessage, type CaseContext, type CaseEvent, type CompiledWorkflow } from './compile.ts';
import { holds, type Holder } from './holding.ts';

/** The stored form of a case's machine state; carries the definition it belongs to. */
export interface StoredSnapshot {
  workflowId: string;
  workflowVersion: number;
  value: string;
  status: 'active' | 'done';
  context: CaseContext;
}

export interface Actor {
  id: string;
  role: string;
  /** The level of the actor's station; `system` for the service's own events. */
  level: 'village' | 'town' | 'district' | 'system';
}

export type Effect =
  | { type: 'issueNotice'; notice: string }
  | { type: 'startCase'; workflowId: string };

export interface Advance {
  ok: true;
  snapshot: StoredSnapshot;
  effects: Effect[];
}

export interface Rejection {
  ok: false;
  code: ErrorCode;
  errors?: FieldError[];
  detail?: { zh: string; en: string };
}

export interface AllowedEvent {
  type: string;
  label: { zh: string; en: string };
  form?: string;
}

/** Who may act on the case's open step: its holder (holding.ts), and who took the step before. */
export interface ActingOn {
  /** Null for a step nobody acts on (it waits for a timer or the service); only the system moves it. */
  holder: Holder | null;
  /** Who sent the previous machine event (four-eyes steps). */
  previousActorId?: string | null;
}

export interface StepOptions extends ActingOn {
  lang: Lang;
  /** The service clock's instant: date rules of forms (`x-rules`) judge against its day. */
  now: Date;
}

const LEVEL_OF_EXTERNAL: Record<Level, 'village' | 'town' | 'district'> = {
  village: 'village', town: 'town', district: 'district', city: 'district', province: 'district',
};

export function isAdminAct(type: string): boolean {
  return (ADMIN_ACTS as readonly string[]).includes(type);
}

function stateOf(wf: CompiledWorkflow, snapshot: StoredSnapshot): StateConfig {
  return wf.definition.machine.states[snapshot.value]!;
}

/** The level of station that acts on a state (steps above the district are recorded by the district). */
export function actingLevel(state: StateConfig): 'village' | 'town' | 'district' | null {
  return state.meta.level ? LEVEL_OF_EXTERNAL[state.meta.level] : null;
}

function store(wf: CompiledWorkflow, snap: AnyMachineSnapshot): StoredSnapshot {
  return {
    workflowId: wf.definition.id,
    workflowVersion: wf.definition.version,
    value: snap.value as string,
    status: snap.status === 'done' ? 'done' : 'active',
    context: snap.context as CaseContext,
  };
}

function restore(wf: CompiledWorkflow, stored: StoredSnapshot): AnyMachineSnapshot {
  return wf.machine.resolveState({ value: stored.value, context: stored.context });
}

function effectsOf(actions: { type: string; params?: unknown }[]): Effect[] {
  const out: Effect[] = [];
  for (const a of actions) {
    const p = a.params as Record<string, string> | undefined;
    if (a.type === 'issueNotice') out.push({ type: 'issueNotice', notice: p!.notice! });
    if (a.type === 'startCase') out.push({ type: 'startCase', workflowId: p!.workflowId! });
  }
  return out;
}

/** Starts a case: the initial state with pre-filled data, and the effects of entering it. Pure. */
export function start(wf: CompiledWorkflow, data: Record<string, unknown> = {}): Advance {
  const [snap, actions] = initialTransition(wf.machine, { data });
  return { ok: true, snapshot: store(wf, snap), effects: effectsOf(actions) };
}

/** The roles a state's definition lets send `type` (a station's clerks unless it says otherwise). */
export function eventRoles(state: StateConfig, type: string): string[] {
  return state.meta.events?.[type]?.roles ?? state.meta.roles ?? ['clerk'];
}

function mayAct(state: StateConfig, type: string, actor: Actor, holder: Holder | null): boolean {
  if (actor.level === 'system') return true;
  return holder !== null && holds(holder, actor, eventRoles(state, type));
}

function transitionsFor(state: StateConfig, type: string): TransitionConfig[] {
  const t = state.on?.[type];
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

/** The events this actor may send now, as the step's holder, with their labels and forms. */
export function allowedEvents(
  wf: CompiledWorkflow, stored: StoredSnapshot, actor: Actor, on: ActingOn,
): AllowedEvent[] {
  if (stored.status === 'done') return [];
  const state = stateOf(wf, stored);
  if (state.meta.fourEyes && on.previousActorId === actor.id) return [];
  return Object.keys(state.on ?? {})
    .filter((type) => !isSystemEvent(type) && mayAct(state, type, actor, on.holder))
    .map((type) => ({ type, label: wf.definition.events[type]!.label, form: state.meta.events?.[type]?.form }));
}

/**
 * One step of a case: checks that the actor holds the step (or is the service), validates its
 * form, evaluates the guards and returns the next snapshot and effects, or a rejection with
 * field-level errors. Pure: the caller persists the result.
 */
export function step(
  wf: CompiledWorkflow, stored: StoredSnapshot, event: CaseEvent, actor: Actor, opts: StepOptions,
): Advance | Rejection {
  if (isSystemEvent(event.type) && actor.level !== 'system') return { ok: false, code: 'SYSTEM_EVENT' };
  if (stored.status === 'done') return { ok: false, code: 'CASE_CLOSED' };
  const state = stateOf(wf, stored);
  const candidates = transitionsFor(state, event.type);
  if (candidates.length === 0) return { ok: false, code: 'EVENT_NOT_ALLOWED' };
  if (!mayAct(state, event.type, actor, opts.holder)) return { ok: false, code: 'FORBIDDEN' };
  if (state.meta.fourEyes && opts.previousActorId && opts.previousActorId === actor.id) return { ok: false, code: 'FOUR_EYES' };

  const formId = state.meta.events?.[event.type]?.form;
  const data = event.data ?? {};
  if (formId) {
    const errors = formErrors(wf, formId, data, opts.now, opts.lang);
    if (errors.length > 0) return { ok: false, code: 'VALIDATION_FAILED', errors };
  } else if (Object.keys(data).length > 0) {
    return { ok: false, code: 'VALIDATION_FAILED', errors: [{ path: '', message: message(opts.lang, 'STEP_TAKES_NO_FORM') }] };
  }

  const failed = candidates.filter((t) => t.guard && !evaluateGuard(wf, t.guard, stored.context, { ...event, data }));
  if (failed.length === candidates.length) {
    const reasons = failed.map((t) => guardMessage(wf, t.guard!, stored.context, { ...event, data }));
    const told = (lang: 'zh' | 'en') => [...new Set(reasons.map((m) => m[lang]))];
    return { ok: false, code: 'GUARD_FAILED', detail: { zh: told('zh').join('；'), en: told('en').join('; ') } };
  }

  const [next, actions] = transition(wf.machine, restore(wf, stored), { type: event.type, data });
  return { ok: true, snapshot: store(wf, next), effects: effectsOf(actions as { type: string; params?: unknown }[]) };
}

/** Moves a snapshot onto another version of its definition, at a state of that version; the data stays. Pure. */
export function migrateSnapshot(to: CompiledWorkflow, stored: StoredSnapshot, toState: string): StoredSnapshot {
  return store(to, to.machine.resolveState({ value: toState, context: stored.context }));
}

export interface HistoryEvent {
  type: string;
  data?: Record<string, unknown>;
  /** For MIGRATE: the version and state the case moved to. */
  migration?: { toVersion: number; toState: string };
  /** For RECALL: the step taken back; the case returns to where it stood before that step. */
  recall?: true;
}

/**
 * Rebuilds a snapshot from the machine events alone (verification, audits). A MIGRATE entry
 * switches to the version it names, so migrated cases replay too; a RECALL returns to the
 * snapshot before the step it takes back.
 */
export function replay(
  wf: CompiledWorkflow, initialData: Record<string, unknown>, events: HistoryEvent[],
  versions?: (v: number) => CompiledWorkflow,
): StoredSnapshot {
  let current = wf;
  let stored = store(current, initialTransition(current.machine, { data: initialData })[0]);
  const earlier: { wf: CompiledWorkflow; stored: StoredSnapshot }[] = [];
  for (const e of events) {
    if (e.recall) {
      const back = earlier.pop();
      if (!back) throw new Error('RECALL with no step to take back');
      ({ wf: current, stored } = back);
      continue;
    }
    earlier.push({ wf: current, stored });
    if (e.migration) {
      current = versions!(e.migration.toVersion);
      stored = migrateSnapshot(current, stored, e.migration.toState);
      continue;
    }
    stored = store(current, transition(current.machine, restore(current, stored), { type: e.type, data: e.data })[0]);
  }
  return stored;
}
