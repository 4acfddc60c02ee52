import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import type { ValidateFunction } from 'ajv';
import { ajv, inLanguage } from './ajv.ts';
import definitionSchema from './definition.schema.json' with { type: 'json' };
import type { ActionRef, WorkflowDefinition } from './definition.types.ts';
import { RESERVED_EVENTS } from './definition.types.ts';
import { findingsOf, type Finding, type Report } from './finding.ts';
import { lintForms } from './form-lint.ts';
import { requiredFields } from './form-rules.ts';
import { instrumentLabel, resolveInstrument } from './instruments.ts';
import { lintLapses } from './lapse-rules.ts';
import { lintLetters } from './letter-lint.ts';
import { lintNotices } from './notice-lint.ts';
import { lintRemedies } from './remedy-rules.ts';
import { lintStations } from './station-rules.ts';
import { isSystemEvent, REFUSING_OUTCOMES, transitionsOf } from './transitions.ts';

export type { Finding };

let compiledDefinitionSchema: ValidateFunction<WorkflowDefinition> | undefined;
/** Compiled at the first lint: a start with every version already stored lints nothing. */
function definitionValidator(): ValidateFunction<WorkflowDefinition> {
  return (compiledDefinitionSchema ??= ajv.compile<WorkflowDefinition>(definitionSchema));
}

function jsonPath(pointer: string): string {
  if (!pointer) return '$';
  return '$' + pointer.split('/').slice(1).map((p) => {
    const key = p.replaceAll('~1', '/').replaceAll('~0', '~');
    return /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }).join('');
}

/** Every cited instrument is in the register and in force. */
function lintLegalBasis(def: WorkflowDefinition, report: Report): void {
  def.legalBasis.forEach((b, i) => {
    const instrument = resolveInstrument(b.instrument);
    if (!instrument) report(`$.legalBasis[${i}].instrument`, 'LINT_INSTRUMENT_UNKNOWN', { instrument: b.instrument });
    else if (instrument.status !== 'in-force') {
      const status = instrument.status === 'repealed' ? 'LINT_STATUS_REPEALED' : 'LINT_STATUS_SUPERSEDED';
      report(`$.legalBasis[${i}].instrument`, 'LINT_INSTRUMENT_NOT_IN_FORCE', (lang) => ({
        instrument: instrumentLabel(instrument), status: message(lang, status), date: String(instrument.statusDate),
        replacement: instrument.replacedBy ?? message(lang, 'LINT_TEXT_IN_FORCE'),
      }));
    }
  });
}

/** States reachable from the initial one, and states from which a final one can be reached. */
function lintReachability(def: WorkflowDefinition, edges: Map<string, Set<string>>, report: Report): void {
  const states = def.machine.states;
  if (states[def.machine.initial]) {
    const reached = new Set([def.machine.initial]);
    const queue = [def.machine.initial];
    while (queue.length) {
      for (const n of edges.get(queue.shift()!) ?? []) if (!reached.has(n)) { reached.add(n); queue.push(n); }
    }
    for (const name of Object.keys(states)) if (!reached.has(name)) report(`$.machine.states.${name}`, 'LINT_UNREACHABLE');
  }
  const canFinish = new Set(Object.entries(states).filter(([, s]) => s.type === 'final').map(([n]) => n));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, out] of edges) {
      if (!canFinish.has(name) && [...out].some((n) => canFinish.has(n))) { canFinish.add(name); grew = true; }
    }
  }
  for (const [name, state] of Object.entries(states)) {
    if (state.type !== 'final' && transitionsOf(state).length > 0 && !canFinish.has(name)) report(`$.machine.states.${name}`, 'LINT_NO_FINISH');
  }
}

/**
 * The machine's own consistency: states, events, forms and notices it names exist, final states
 * record an outcome, the forms of refusals and returns ask what the notices print. Returns the
 * edges between states, for reachability.
 */
function lintMachine(def: WorkflowDefinition, report: Report, knownWorkflows?: Set<string>): Map<string, Set<string>> {
  const states = def.machine.states;
  const materialIds = new Set(def.materials.map((m) => m.id));
  const checkActions = (actions: ActionRef[] | undefined, path: string) => {
    actions?.forEach((a, i) => {
      if (a.type === 'issueNotice' && !def.notices[a.params.notice]) report(`${path}[${i}].params.notice`, 'LINT_NOTICE_UNDEFINED', { notice: a.params.notice });
      if (a.type === 'startCase' && knownWorkflows && !knownWorkflows.has(a.params.workflowId)) {
        report(`${path}[${i}].params.workflowId`, 'LINT_WORKFLOW_UNKNOWN', { workflow: a.params.workflowId });
      }
    });
  };
  if (!states[def.machine.initial]) report('$.machine.initial', 'LINT_STATE_UNKNOWN', { state: def.machine.initial });
  const usedEvents = new Set<string>();
  const edges = new Map<string, Set<string>>();
  for (const [name, state] of Object.entries(states)) {
    const base = `$.machine.states.${name}`;
    const out = new Set<string>();
    edges.set(name, out);
    checkActions(state.entry, `${base}.entry`);
    const meta = state.meta;
    if (state.type === 'final') {
      if (!meta.outcome) report(`${base}.meta.outcome`, 'LINT_FINAL_NO_OUTCOME');
      if (state.on) report(`${base}.on`, 'LINT_FINAL_HAS_TRANSITIONS');
      continue;
    }
    for (const [i, material] of (meta.materials ?? []).entries()) if (!materialIds.has(material)) report(`${base}.meta.materials[${i}]`, 'LINT_MATERIAL_UNDEFINED', { material });
    const transitions = transitionsOf(state);
    if (transitions.length === 0) report(base, 'LINT_NO_WAY_OUT');
    if (meta.timer && !state.on?.[meta.timer.event]) report(`${base}.meta.timer.event`, 'LINT_TIMER_EVENT_UNHANDLED', { event: meta.timer.event });
    for (const [type, em] of Object.entries(meta.events ?? {})) {
      if (!state.on?.[type]) report(`${base}.meta.events.${type}`, 'LINT_EVENT_UNHANDLED', { event: type });
      if (em.form && !def.forms[em.form]) report(`${base}.meta.events.${type}.form`, 'LINT_FORM_UNDEFINED', { form: em.form });
      if (em.form && isSystemEvent(type)) report(`${base}.meta.events.${type}.form`, 'LINT_SYSTEM_EVENT_FORM');
    }
    for (const [type, t, suffix] of transitions) {
      const path = `${base}${suffix}`;
      usedEvents.add(type);
      if (!def.events[type]) report(`${base}.on.${type}`, 'LINT_EVENT_UNDECLARED', { event: type });
      checkActions(t.actions, `${path}.actions`);
      const target = t.target ?? name;
      if (!states[target]) {
        report(`${path}.target`, 'LINT_STATE_UNKNOWN', { state: target });
        continue;
      }
      out.add(target);
      const formId = meta.events?.[type]?.form;
      const required = requiredFields(formId ? def.forms[formId] : undefined);
      const targetState = states[target]!;
      if (targetState.type === 'final' && REFUSING_OUTCOMES.has(targetState.meta.outcome ?? '')) {
        for (const field of ['reason', 'legalBasis']) if (!required.includes(field)) report(`${base}.meta.events.${type}`, 'LINT_REFUSAL_FORM', { field });
      }
      if (type === 'RETURN' && !required.includes('missing')) report(`${base}.meta.events.${type}`, 'LINT_RETURN_FORM');
    }
  }
  for (const type of Object.keys(def.events)) if (!usedEvents.has(type)) report(`$.events.${type}`, 'LINT_EVENT_UNUSED', { event: type });
  for (const type of Object.keys(def.events)) if (RESERVED_EVENTS.includes(type)) report(`$.events.${type}`, 'LINT_EVENT_RESERVED', { event: type });
  return edges;
}

/** Which items use each abbreviation, so that a definition can be checked against the others. */
export function abbreviationUsers(defs: Iterable<{ id: string; abbreviation?: string }>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of defs) if (d.abbreviation) out.set(d.abbreviation, (out.get(d.abbreviation) ?? new Set()).add(d.id));
  return out;
}

/**
 * Checks one definition beyond its JSON Schema: references, reachability, ways out, and the
 * forms each kind of step must carry. `knownWorkflows` lets `startCase` targets be checked,
 * `abbreviations` (abbreviationUsers of the other items) that no two items number their cases alike.
 * Each finding is worded in `lang` as well as carrying both languages.
 */
export function lintDefinition(
  file: string, input: unknown, knownWorkflows?: Set<string>, abbreviations?: Map<string, Set<string>>, lang: Lang = 'zh',
): Finding[] {
  const { findings, report } = findingsOf(file, lang, input);
  const validateDefinition = definitionValidator();
  if (!validateDefinition(input)) {
    const errors = validateDefinition.errors ?? [];
    const zh = inLanguage(errors, 'zh');
    errors.forEach((e, i) => {
      if (e.keyword === 'oneOf' || e.keyword === 'if') return;
      // ajv's own words (ajv-i18n's in Chinese), but for the one mistake a hand-edited definition makes most.
      if (e.keyword === 'additionalProperties') report(jsonPath(e.instancePath), 'LINT_UNKNOWN_FIELD', { field: (e.params as { additionalProperty: string }).additionalProperty });
      else report(jsonPath(e.instancePath), 'LINT_SCHEMA', (l) => ({ detail: (l === 'zh' ? zh[i]!.message : e.message) ?? '' }));
    });
    return findings;
  }
  const def = input;
  const others = [...(abbreviations?.get(def.abbreviation) ?? [])].filter((id) => id !== def.id);
  if (others.length > 0) report('$.abbreviation', 'CASE_NO_LINT_DUPLICATE', { abbreviation: def.abbreviation, others: others.join(', ') });
  lintLegalBasis(def, report);
  lintForms(def, report);
  lintLetters(def, report);
  lintNotices(def, report);
  const formFields = new Set(Object.values(def.forms)
    .flatMap((f) => Object.keys(f.properties ?? {})));
  for (const field of Object.keys(def.prefill ?? {})) if (!formFields.has(field)) report(`$.prefill.${field}`, 'LINT_PREFILL_NO_FORM', { field });
  const edges = lintMachine(def, report, knownWorkflows);
  lintRemedies(def, report);
  lintStations(def, report);
  lintLapses(def, report);
  lintReachability(def, edges, report);
  return findings;
}
