import type { ErrorObject } from 'ajv';
import { createAjv, fieldErrors } from '../definitions/ajv.ts';
import type { JsonSchema, Localized, WorkflowDefinition } from '../definitions/definition.types.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { listOpenCases } from '../cases/case.repository.ts';
import { compile, type CompiledWorkflow } from '../engine/compile.ts';
import { AppError } from '../http/errors.ts';
import { getVersion } from './policy.repository.ts';

/**
 * What a version would mean for each open case of its item: only what the case would meet at the
 * step it stands at (docs/adr/0033-publishing-by-two.md). A form of another step, a required field
 * it has not reached, an answer the old rules also refused: none is a problem this version makes.
 */
export interface CaseImpact {
  caseId: string;
  caseNo: string;
  fromVersion: number;
  state: string;
  /** The step's name under the case's own version. */
  step: Localized | null;
  /** False: the step is gone, so the case cannot move without a mapping. */
  stateExists: boolean;
  /** Fields the step's forms now require that its old forms did not, and the case has not answered. */
  newRequired: { form: string; field: string; title: Localized }[];
  /** Materials the step now requires that it did not (its guard will wait for them). */
  newMaterials: { id: string; title: Localized }[];
  /** Answers the case has given that the step's new forms refuse and its old forms accepted. */
  dataErrors: { form: string; errors: { path: string; message: string }[] }[];
  flagged: boolean;
}

type Props = Record<string, JsonSchema & { title?: string; 'x-title-en'?: string }>;

/** The forms asked at a step, by the event that asks each. */
function formsAt(def: WorkflowDefinition, state: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [event, meta] of Object.entries(def.machine.states[state]?.meta?.events ?? {})) {
    if (meta?.form) out.set(event, meta.form);
  }
  return out;
}

/** A form's errors for the answers given, leaving out the fields not answered yet. */
function answerErrors(wf: CompiledWorkflow, formId: string, data: Record<string, unknown>): ErrorObject[] {
  const props = Object.keys((wf.definition.forms[formId]?.properties as Props | undefined) ?? {});
  const answered = Object.fromEntries(props.filter((p) => p in data).map((p) => [p, data[p]]));
  if (Object.keys(answered).length === 0) return [];
  const validate = wf.forms.get(formId)!;
  return validate(answered) ? [] : (validate.errors ?? []).filter((e) => e.keyword !== 'required');
}

function required(def: WorkflowDefinition, formId: string | undefined): string[] {
  return (formId ? def.forms[formId]?.required as string[] | undefined : undefined) ?? [];
}

/** The required materials checked at a step. */
function materialsAt(def: WorkflowDefinition, state: string) {
  const checked = new Set(def.machine.states[state]?.meta?.materials ?? []);
  return def.materials.filter((m) => m.required && checked.has(m.id));
}

function judge(to: CompiledWorkflow, from: CompiledWorkflow | undefined, state: string, data: Record<string, unknown>) {
  const before = new Set(from ? materialsAt(from.definition, state).map((m) => m.id) : []);
  const newMaterials = materialsAt(to.definition, state).filter((m) => !before.has(m.id))
    .map((m) => ({ id: m.id, title: m.title }));
  const newRequired: CaseImpact['newRequired'] = [];
  const dataErrors: CaseImpact['dataErrors'] = [];
  const formsBefore = from ? formsAt(from.definition, state) : new Map<string, string>();
  for (const [event, formId] of formsAt(to.definition, state)) {
    const oldForm = formsBefore.get(event);
    const wasRequired = new Set(from ? required(from.definition, oldForm) : []);
    const props = (to.definition.forms[formId]!.properties as Props | undefined) ?? {};
    for (const field of required(to.definition, formId)) {
      if (wasRequired.has(field) || data[field] !== undefined) continue;
      const p = props[field];
      newRequired.push({ form: formId, field, title: { zh: p?.title ?? field, en: p?.['x-title-en'] ?? p?.title ?? field } });
    }
    const refusedBefore = new Set(from && oldForm ? answerErrors(from, oldForm, data).map((e) => e.instancePath) : []);
    const errors = answerErrors(to, formId, data).filter((e) => !refusedBefore.has(e.instancePath));
    if (errors.length) dataErrors.push({ form: formId, errors: fieldErrors(errors, 'zh', to.definition.forms[formId]) });
  }
  return { newRequired, newMaterials, dataErrors };
}

interface ImpactSummary {
  open: number; stateMissing: number; dataInvalid: number; newRequired: number; flagged: number;
}

/** Every open case of the item checked against a version, with the real problems flagged. */
export async function impactReport(
  deps: CaseDeps, workflowId: string, version: number,
): Promise<{ cases: CaseImpact[]; summary: ImpactSummary }> {
  const target = await getVersion(deps.db, workflowId, version);
  if (!target) throw new AppError('NOT_FOUND');
  // Usually a draft, not in the registry: its validators go with the report.
  const to = compile(target.definition, createAjv());
  const rows = await listOpenCases(deps.db, workflowId);
  const own = new Map<number, CompiledWorkflow | undefined>();
  const cases: CaseImpact[] = [];
  for (const c of rows) {
    if (!own.has(c.workflowVersion)) {
      own.set(c.workflowVersion, await deps.registry.get(deps.db, workflowId, c.workflowVersion));
    }
    const from = own.get(c.workflowVersion);
    const stateExists = c.state in to.definition.machine.states;
    const found = stateExists && c.workflowVersion !== version
      ? judge(to, from, c.state, c.snapshot.context.data) : { newRequired: [], newMaterials: [], dataErrors: [] };
    cases.push({
      caseId: c.id, caseNo: c.caseNo, fromVersion: c.workflowVersion, state: c.state,
      step: from?.definition.machine.states[c.state]?.meta?.step ?? null, stateExists, ...found,
      flagged: !stateExists || found.newRequired.length + found.newMaterials.length + found.dataErrors.length > 0,
    });
  }
  return {
    cases,
    summary: {
      open: cases.length, stateMissing: cases.filter((c) => !c.stateExists).length,
      dataInvalid: cases.filter((c) => c.dataErrors.length > 0).length,
      newRequired: cases.filter((c) => c.newRequired.length + c.newMaterials.length > 0).length,
      flagged: cases.filter((c) => c.flagged).length,
    },
  };
}
