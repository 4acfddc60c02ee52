import { SYSTEM_EVENTS, type NoticeDef, type StateConfig, type TransitionConfig, type WorkflowDefinition } from './definition.types.ts';

/** Outcomes that end a case against the person: a decision in the deciding body's name. */
export const REFUSING_OUTCOMES: ReadonlySet<string> = new Set(['refused', 'not-accepted', 'not-eligible', 'revoked']);
/** Notice kinds that carry a decision against the person, and so its remedies. */
export const ADVERSE_NOTICE_KINDS: ReadonlySet<NoticeDef['kind']> = new Set(['refusal', 'decision']);

/** Events only the service itself sends (timers, escalation, migration). */
export function isSystemEvent(type: string): boolean {
  return (SYSTEM_EVENTS as readonly string[]).includes(type);
}

/** A state's transitions as [event, transition, JSON-path suffix], guarded alternatives one by one. */
export function transitionsOf(state: StateConfig): [string, TransitionConfig, string][] {
  const out: [string, TransitionConfig, string][] = [];
  for (const [type, t] of Object.entries(state.on ?? {})) {
    if (Array.isArray(t)) t.forEach((one, i) => out.push([type, one, `.on.${type}[${i}]`]));
    else out.push([type, t, `.on.${type}`]);
  }
  return out;
}

/** The transition a history entry took: its event from its state, to the state it entered. */
export function takenTransition(
  def: WorkflowDefinition, fromState: string | null, event: string, toState: string,
): TransitionConfig | undefined {
  const from = fromState ? def.machine.states[fromState] : undefined;
  if (!from || !fromState) return undefined;
  return transitionsOf(from).find(([type, t]) => type === event && (t.target ?? fromState) === toState)?.[1];
}

/** The notices a transition issues: its own actions, then the entry actions of the state it enters. */
export function noticesOf(def: WorkflowDefinition, fromState: string, t: TransitionConfig): string[] {
  const target = def.machine.states[t.target ?? fromState];
  return [...(t.actions ?? []), ...(target?.entry ?? [])].flatMap((a) => (a.type === 'issueNotice' ? [a.params.notice] : []));
}

/**
 * A decision against the person: it ends the case refused, records a refusing outcome on the way
 * (`setOutcome`), or issues a refusal or another adverse decision.
 */
export function isAdverse(def: WorkflowDefinition, fromState: string, t: TransitionConfig): boolean {
  const target = def.machine.states[t.target ?? fromState];
  if (target?.type === 'final' && REFUSING_OUTCOMES.has(target.meta.outcome ?? '')) return true;
  const actions = [...(t.actions ?? []), ...(target?.entry ?? [])];
  if (actions.some((a) => a.type === 'setOutcome' && REFUSING_OUTCOMES.has(a.params.outcome))) return true;
  return noticesOf(def, fromState, t).some((key) => {
    const kind = def.notices[key]?.kind;
    return kind !== undefined && ADVERSE_NOTICE_KINDS.has(kind);
  });
}
