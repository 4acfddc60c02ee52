import { ajv, createAjv } from './ajv.ts';
import { lintFormRules } from './form-rules.ts';
import definitionSchema from './definition.schema.json' with { type: 'json' };
import type { ActionRef, JsonSchema, StateMeta, TransitionConfig, WorkflowDefinition } from './definition.types.ts';
import { RESERVED_EVENTS, SYSTEM_EVENTS } from './definition.types.ts';
import { isAdverse, noticesOf, REFUSING_OUTCOMES, transitionsOf } from './transitions.ts';
import { isSealedField } from '../crypto/sealed-data.ts';
import { instrumentLabel, resolveInstrument } from './instruments.ts';
import { letterFindings } from './letter-lint.ts';
import { lapseFindings } from './lapse-rules.ts';

export interface Finding {
  file: string;
  /** JSON path into the definition, e.g. `$.machine.states.review.on.APPROVE.target`. */
  path: string;
  message: string;
}

const validateDefinition = ajv.compile(definitionSchema);
/** Stations below the district: they serve the bureau but decide nothing in its name (docs/adr/0014-the-right-body-decides.md). */
const STATION_LEVELS = new Set(['village', 'town']);

function jsonPath(pointer: string): string {
  if (!pointer) return '$';
  return '$' + pointer.split('/').slice(1).map((p) => {
    const key = p.replaceAll('~1', '/').replaceAll('~0', '~');
    return /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }).join('');
}

function requiredOf(schema: JsonSchema | undefined): string[] {
  return Array.isArray(schema?.required) ? (schema!.required as string[]) : [];
}

const PERSONAL_FORMATS = new Set(['cn-id-number', 'bank-card', 'cn-mobile']);

/** Fields holding ID numbers, cards or phones, in groups too: the repositories seal them by name (src/crypto/sealed-data.ts). */
function personalFields(schema: JsonSchema, path: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const [name, prop] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) {
    if (typeof prop.format === 'string' && PERSONAL_FORMATS.has(prop.format)) out.push([`${path}.properties.${name}`, name, prop.format]);
    if (prop.type === 'object') out.push(...personalFields(prop, `${path}.properties.${name}`));
    if (prop.type === 'array' && prop.items) out.push(...personalFields(prop.items as JsonSchema, `${path}.properties.${name}.items`));
  }
  return out;
}

/** The remedy a transition names must fit the decision: there when it is adverse, told on a notice, the decider's own route. */
function remedyProblems(def: WorkflowDefinition, from: string, meta: StateMeta, t: TransitionConfig, form: JsonSchema | undefined): string[] {
  const remedy = t.remedy;
  const adverse = isAdverse(def, from, t);
  if (!remedy) {
    return adverse ? ['an adverse decision must name its remedy: "administrative", "petition", "external" or "none" with a reason'] : [];
  }
  const problems: string[] = [];
  if (noticesOf(def, from, t).length === 0) problems.push('a remedy is told on a notice, and this transition issues none');
  if (meta.external && adverse && remedy.kind !== 'external') problems.push('a decision recorded from a body above the district takes that body\'s route: remedy "external"');
  if (remedy.kind === 'external') {
    if (!meta.external) problems.push('remedy "external" belongs to a decision recorded at an external step');
    for (const f of ['decisionBody', 'reviewBody', 'court']) {
      if (!requiredOf(form).includes(f)) problems.push(`the deciding body's route needs a form that requires "${f}"`);
    }
  }
  if (remedy.kind === 'administrative' && remedy.reviewFirst && !remedy.note) problems.push('review first (复议前置) needs a note with its source and the date it was checked');
  return problems;
}

/**
 * Checks one definition beyond its JSON Schema: references, reachability, ways out, and the
 * forms each kind of step must carry. `knownWorkflows` lets `startCase` targets be checked.
 */
export function lintDefinition(file: string, input: unknown, knownWorkflows?: Set<string>): Finding[] {
  const findings: Finding[] = [];
  const add = (path: string, message: string) => findings.push({ file, path, message });

  if (!validateDefinition(input)) {
    for (const e of validateDefinition.errors ?? []) {
      if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
      const extra = e.keyword === 'additionalProperties' ? `: "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
      const where = e.keyword === 'additionalProperties' ? 'unknown field' : e.message;
      add(jsonPath(e.instancePath), `${where}${extra}`);
    }
    return findings;
  }
  const def = input as unknown as WorkflowDefinition;
  const states = def.machine.states;
  def.legalBasis.forEach((b, i) => {
    const instrument = resolveInstrument(b.instrument);
    if (!instrument) add(`$.legalBasis[${i}].instrument`, `"${b.instrument}" is not in the instrument register (docs/laws/instruments.json)`);
    else if (instrument.status !== 'in-force') {
      add(`$.legalBasis[${i}].instrument`, `${instrumentLabel(instrument)} is ${instrument.status} since ${instrument.statusDate}: cite ${instrument.replacedBy ?? 'the text in force'}`);
    }
  });
  const materialIds = new Set(def.materials.map((m) => m.id));
  // The candidate's schemas are compiled in an instance of their own, dropped with it: the shared
  // one keeps every schema it ever compiled, and a linted definition is not a stored version.
  const candidate = createAjv();

  for (const [id, form] of Object.entries(def.forms)) {
    if (!candidate.validateSchema(form)) {
      add(`$.forms.${id}`, `invalid JSON Schema: ${candidate.errorsText(candidate.errors)}`);
      continue;
    }
    try {
      candidate.compile(form);
    } catch (err) {
      add(`$.forms.${id}`, `invalid JSON Schema: ${(err as Error).message}`);
      continue;
    }
    if (form.type !== 'object') add(`$.forms.${id}.type`, 'a form must be an object schema');
    const items = ((form.properties as Record<string, JsonSchema> | undefined)?.materials?.items as JsonSchema | undefined)?.enum;
    for (const [i, m] of ((items as string[] | undefined) ?? []).entries()) {
      if (!materialIds.has(m)) add(`$.forms.${id}.properties.materials.items.enum[${i}]`, `material "${m}" is not in the materials list`);
    }
    for (const f of lintFormRules(form)) add(`$.forms.${id}${f.path}`, f.message);
    for (const [path, name, format] of personalFields(form, `$.forms.${id}`)) {
      if (!isSealedField(name)) add(path, `a "${format}" field must be named like idNumber, …IdNumber, bankAccount, …BankAccount, mobile or …Phone, so that it is encrypted at rest`);
    }
  }
  const schemaChecks: [string, JsonSchema][] = [];
  if (def.eligibility) schemaChecks.push(['$.eligibility.schema', def.eligibility.schema]);
  def.materials.forEach((m, i) => m.condition && schemaChecks.push([`$.materials[${i}].condition`, m.condition]));
  for (const [path, schema] of schemaChecks) {
    try {
      candidate.compile(schema);
    } catch (err) {
      add(path, `invalid JSON Schema: ${(err as Error).message}`);
    }
  }

  for (const f of letterFindings(def)) add(f.path, f.message);

  const formFields = new Set(Object.values(def.forms).flatMap((f) => Object.keys((f.properties as object | undefined) ?? {})));
  for (const field of Object.keys(def.prefill ?? {})) {
    if (!formFields.has(field)) add(`$.prefill.${field}`, `field "${field}" is in no form`);
  }

  const checkActions = (actions: ActionRef[] | undefined, path: string) => {
    actions?.forEach((a, i) => {
      if (a.type === 'issueNotice' && !def.notices[a.params.notice]) add(`${path}[${i}].params.notice`, `notice "${a.params.notice}" is not defined`);
      if (a.type === 'startCase' && knownWorkflows && !knownWorkflows.has(a.params.workflowId)) {
        add(`${path}[${i}].params.workflowId`, `workflow "${a.params.workflowId}" does not exist`);
      }
    });
  };

  if (!states[def.machine.initial]) add('$.machine.initial', `state "${def.machine.initial}" does not exist`);
  const usedEvents = new Set<string>();
  const edges = new Map<string, Set<string>>();
  for (const [name, state] of Object.entries(states)) {
    const base = `$.machine.states.${name}`;
    const out = new Set<string>();
    edges.set(name, out);
    checkActions(state.entry, `${base}.entry`);
    const meta = state.meta;
    if (state.type === 'final') {
      if (!meta.outcome) add(`${base}.meta.outcome`, 'a final state must record its outcome');
      if (state.on) add(`${base}.on`, 'a final state cannot have transitions');
      continue;
    }
    if (!meta.level) add(`${base}.meta.level`, 'a step must name the level that acts on it');
    const aboveDistrict = meta.level === 'city' || meta.level === 'province';
    if (aboveDistrict !== (meta.external === true)) add(`${base}.meta.external`, 'steps at city or province level, and only those, are external');
    for (const [i, m] of (meta.materials ?? []).entries()) if (!materialIds.has(m)) add(`${base}.meta.materials[${i}]`, `material "${m}" is not defined`);
    const transitions = transitionsOf(state);
    if (transitions.length === 0) add(base, 'a non-final state needs a way out');
    if (meta.timer && !state.on?.[meta.timer.event]) add(`${base}.meta.timer.event`, `the state does not handle its timer event "${meta.timer.event}"`);
    for (const [type, em] of Object.entries(meta.events ?? {})) {
      if (!state.on?.[type]) add(`${base}.meta.events.${type}`, `the state does not handle event "${type}"`);
      if (em.form && !def.forms[em.form]) add(`${base}.meta.events.${type}.form`, `form "${em.form}" is not defined`);
      if (em.form && (SYSTEM_EVENTS as readonly string[]).includes(type)) add(`${base}.meta.events.${type}.form`, 'system events carry no form');
    }
    for (const [type, t, suffix] of transitions) {
      const path = `${base}${suffix}`;
      usedEvents.add(type);
      if (!def.events[type]) add(`$.machine.states.${name}.on.${type}`, `event "${type}" is not declared in events`);
      checkActions(t.actions, `${path}.actions`);
      const target = t.target ?? name;
      if (!states[target]) {
        add(`${path}.target`, `state "${target}" does not exist`);
        continue;
      }
      out.add(target);
      const formId = meta.events?.[type]?.form;
      const form = formId ? def.forms[formId] : undefined;
      const targetState = states[target]!;
      if (targetState.type === 'final' && REFUSING_OUTCOMES.has(targetState.meta.outcome ?? '')) {
        const required = requiredOf(form);
        for (const f of ['reason', 'legalBasis']) {
          if (!required.includes(f)) add(`${base}.meta.events.${type}`, `a refusal needs a form that requires "${f}"`);
        }
      }
      for (const problem of remedyProblems(def, name, meta, t, form)) add(`${path}.remedy`, problem);
      // A timer's lapse follows the rule the district set and the 补正 notice announced: no station decides it.
      if (STATION_LEVELS.has(meta.level ?? '') && !(SYSTEM_EVENTS as readonly string[]).includes(type) && type !== meta.timer?.event && isAdverse(def, name, t)) {
        add(path, `a ${meta.level} step may not refuse or decide against the person in the bureau's name: send the case back, or propose (e.g. PROPOSE_REFUSAL) to a district step that decides`);
      }
      if (type === 'RETURN' && !requiredOf(form).includes('missing')) add(`${base}.meta.events.${type}`, 'a return for materials needs a form that requires "missing"');
      if (meta.external && !(SYSTEM_EVENTS as readonly string[]).includes(type)) {
        for (const f of ['decisionBody', 'documentNumber']) {
          if (!requiredOf(form).includes(f)) add(`${base}.meta.events.${type}`, `an external decision needs a form that requires "${f}"`);
        }
      }
    }
  }
  for (const f of lapseFindings(def)) add(f.path, f.message);
  for (const type of Object.keys(def.events)) if (!usedEvents.has(type)) add(`$.events.${type}`, `event "${type}" is declared but never used`);
  for (const type of Object.keys(def.events)) if (RESERVED_EVENTS.includes(type)) add(`$.events.${type}`, `"${type}" is an entry the service writes itself; choose another event name`);

  if (states[def.machine.initial]) {
    const reached = new Set([def.machine.initial]);
    const queue = [def.machine.initial];
    while (queue.length) for (const n of edges.get(queue.shift()!) ?? []) if (!reached.has(n)) { reached.add(n); queue.push(n); }
    for (const name of Object.keys(states)) if (!reached.has(name)) add(`$.machine.states.${name}`, 'unreachable state');
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
    if (state.type !== 'final' && transitionsOf(state).length > 0 && !canFinish.has(name)) add(`$.machine.states.${name}`, 'no final state can be reached from here');
  }
  return findings;
}
