import { assign, setup, type AnyStateMachine } from 'xstate';
import { shanghaiDate } from '../time/shanghai.ts';
import { ajv, fieldErrors, type Ajv2020, type ValidateFunction } from '../definitions/ajv.ts';
import { ruleErrors } from '../definitions/form-rules.ts';
import { withPlainText } from '../definitions/plain-text.ts';
import { daysLate } from './days-late.ts';
import type { ActionRef, GuardRef, JsonSchema, Localized, StateConfig, TransitionConfig, WorkflowDefinition } from '../definitions/definition.types.ts';
import type { FieldError } from '../messages/field-error.ts';
import type { Lang } from '../messages/lang.ts';
import { message } from '../messages/catalogue.ts';
import { localized } from '../messages/localized.ts';

/** What a case's machine remembers: the merged form data, the materials received, the outcome. */
export interface CaseContext {
  data: Record<string, unknown>;
  materials: string[];
  outcome: string | null;
}

export interface CaseEvent {
  type: string;
  data?: Record<string, unknown>;
}

export interface CompiledWorkflow {
  definition: WorkflowDefinition;
  machine: AnyStateMachine;
  forms: Map<string, ValidateFunction>;
  guards: Map<JsonSchema, ValidateFunction>;
  eligibility?: ValidateFunction;
  materialConditions: Map<string, ValidateFunction>;
}

/** The data a guard sees: what the case holds plus what this event brings. */
export function guardSubject(context: CaseContext, event: CaseEvent): Record<string, unknown> {
  const incoming = event.data ?? {};
  const received = Array.isArray(incoming.materials) ? (incoming.materials as string[]) : [];
  return { ...context.data, ...incoming, materials: [...new Set([...context.materials, ...received])] };
}

/**
 * What is wrong with `data` as an answer to a form: ajv's field errors, then the form's
 * cross-field rules judged on the Shanghai day of `now` (the service clock). Empty when it passes.
 * Every place that accepts form data asks here, so a rule holds for the API, the pages and batches alike.
 */
export function formErrors(
  wf: CompiledWorkflow, formId: string, data: Record<string, unknown>, now: Date, lang: Lang,
): FieldError[] {
  const validate = wf.forms.get(formId)!;
  const schemaErrors = validate(data) ? [] : fieldErrors(validate.errors, lang, wf.definition.forms[formId]);
  return [...schemaErrors, ...ruleErrors(wf.definition.forms[formId]!, data, shanghaiDate(now), lang)];
}

/** Required materials not yet received, given the case data (conditional ones included when they apply). */
export function missingMaterials(wf: CompiledWorkflow, subject: Record<string, unknown>): string[] {
  const received = new Set((subject.materials as string[] | undefined) ?? []);
  return wf.definition.materials
    .filter((m) => m.required || (m.condition !== undefined && wf.materialConditions.get(m.id)!(subject)))
    .filter((m) => !received.has(m.id))
    .map((m) => m.id);
}

/** A material by id and title. */
export interface NamedMaterial {
  id: string;
  title: Localized;
}

/** The required materials not yet received, with their titles. */
export function missingMaterialsNamed(wf: CompiledWorkflow, subject: Record<string, unknown>): NamedMaterial[] {
  const titleOf = (id: string) => wf.definition.materials.find((m) => m.id === id)!.title;
  return missingMaterials(wf, subject).map((id) => ({ id, title: titleOf(id) }));
}

/** Evaluates one declarative guard; the registry has exactly these kinds. */
export function evaluateGuard(wf: CompiledWorkflow, guard: GuardRef, context: CaseContext, event: CaseEvent): boolean {
  const subject = guardSubject(context, event);
  if (guard.type === 'matches') return wf.guards.get(guard.params.schema)!(subject);
  if (guard.type === 'daysLate') return (daysLate(guard.params, subject) ?? 0) > guard.params.moreThan;
  if (guard.type === 'all') return guard.params.guards.every((g) => evaluateGuard(wf, g, context, event));
  return missingMaterials(wf, subject).length === 0;
}

/** Why a guard does not pass, as the step tells it: of a combined guard, the first part that fails. */
export function guardMessage(wf: CompiledWorkflow, guard: GuardRef, context: CaseContext, event: CaseEvent): Localized {
  if (guard.type === 'matches') return guard.params.message;
  if (guard.type === 'materialsComplete') {
    const missing = missingMaterialsNamed(wf, guardSubject(context, event));
    const named = (lang: Lang) => missing.map((m) => m.title[lang]).join(message(lang, 'FORM_LIST_SEPARATOR'));
    return localized('FORM_MSG_MATERIALS_MISSING', (lang) => ({ materials: named(lang) }));
  }
  if (guard.type === 'daysLate') {
    const { label, moreThan } = guard.params;
    return guard.params.message ?? localized('STEP_NOT_LATE', (lang) => ({ label: label[lang], days: moreThan }));
  }
  const failing = guard.params.guards.find((g) => !evaluateGuard(wf, g, context, event)) ?? guard.params.guards[0]!;
  return guardMessage(wf, failing, context, event);
}

/** The guard and the guards it is made of. */
export function guardParts(guard: GuardRef): GuardRef[] {
  return guard.type === 'all' ? [guard, ...guard.params.guards.flatMap(guardParts)] : [guard];
}

function mapAction(a: ActionRef) {
  return { type: a.type, params: a.params };
}

function mapTransition(t: TransitionConfig) {
  return {
    target: t.target,
    guard: t.guard ? { type: t.guard.type, params: t.guard } : undefined,
    actions: [{ type: 'recordEventData' }, ...(t.actions ?? []).map(mapAction)],
    description: t.description,
  };
}

function mapState(state: StateConfig) {
  const entry = (state.entry ?? []).map(mapAction);
  if (state.type === 'final' && state.meta.outcome) entry.unshift({ type: 'setOutcome', params: { outcome: state.meta.outcome } });
  const on: Record<string, unknown> = {};
  for (const [type, t] of Object.entries(state.on ?? {})) {
    on[type] = Array.isArray(t) ? t.map(mapTransition) : mapTransition(t);
  }
  return { type: state.type, meta: state.meta, entry, on };
}

/**
 * Builds the xstate machine for a definition with the fixed guard and action registry. Effects
 * (`issueNotice`, `startCase`) do nothing here: `transition` hands them back as data for the
 * service to carry out inside its transaction.
 */
export function compile(definition: WorkflowDefinition, validators: Ajv2020 = ajv): CompiledWorkflow {
  const forms = new Map<string, ValidateFunction>();
  for (const [id, schema] of Object.entries(definition.forms)) forms.set(id, withPlainText(validators.compile(schema)));
  const guards = new Map<JsonSchema, ValidateFunction>();
  const materialConditions = new Map<string, ValidateFunction>();
  for (const m of definition.materials) if (m.condition) materialConditions.set(m.id, validators.compile(m.condition));
  for (const state of Object.values(definition.machine.states)) {
    for (const t of Object.values(state.on ?? {}).flat()) {
      for (const g of t.guard ? guardParts(t.guard) : []) if (g.type === 'matches') guards.set(g.params.schema, validators.compile(g.params.schema));
    }
  }
  const wf = { definition, forms, guards, materialConditions } as CompiledWorkflow;
  if (definition.eligibility) wf.eligibility = validators.compile(definition.eligibility.schema);

  const states: Record<string, unknown> = {};
  for (const [name, state] of Object.entries(definition.machine.states)) states[name] = mapState(state);

  wf.machine = (setup({
    types: {} as { context: CaseContext; events: CaseEvent; input: { data?: Record<string, unknown> } | undefined },
    guards: {
      matches: ({ context, event }, params: GuardRef) => evaluateGuard(wf, params, context, event),
      materialsComplete: ({ context, event }, params: GuardRef) => evaluateGuard(wf, params, context, event),
      daysLate: ({ context, event }, params: GuardRef) => evaluateGuard(wf, params, context, event),
      all: ({ context, event }, params: GuardRef) => evaluateGuard(wf, params, context, event),
    },
    actions: {
      recordEventData: assign(({ context, event }) => {
        const { materials, ...fields } = event.data ?? {};
        const received = Array.isArray(materials) ? (materials as string[]) : [];
        return { data: { ...context.data, ...fields }, materials: [...new Set([...context.materials, ...received])] };
      }),
      setOutcome: assign((_, params: { outcome: string }) => ({ outcome: params.outcome })),
      issueNotice: () => {},
      startCase: () => {},
    },
  }).createMachine({
    id: definition.id,
    initial: definition.machine.initial,
    context: ({ input }) => ({ data: input?.data ?? {}, materials: [], outcome: null }),
    states: states as never,
  }) as unknown as AnyStateMachine);
  return wf;
}
