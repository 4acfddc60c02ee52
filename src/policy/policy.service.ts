import { createAjv, fieldErrors } from '../definitions/ajv.ts';
import type { JsonSchema, WorkflowDefinition } from '../definitions/definition.types.ts';
import { abbreviationUsers, lintDefinition } from '../definitions/linter.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { listOpenCases, lockCase, moveToVersion } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { appendEvent } from '../cases/case-event.repository.ts';
import { timingOnEntry } from '../cases/step-timing.ts';
import { compile, type CompiledWorkflow } from '../engine/compile.ts';
import { migrateSnapshot } from '../engine/engine.ts';
import type { PolicyDocument } from '../definitions/policy-document.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { User } from '../users/user.repository.ts';
import { getVersion, insertDraft, markPublished, nextVersion, retireBefore } from './policy.repository.ts';

// Reads the routes make as they are.
export { getVersion, listDrafts, listVersions, type VersionRecord } from './policy.repository.ts';

/** Stores a draft whatever the linter says, with its findings; only a clean draft can be published. */
export async function createDraft(
  deps: CaseDeps, user: User, workflowId: string,
  input: { definition: Record<string, unknown>; note: string; policyDocument?: PolicyDocument; effectiveFrom?: string },
) {
  authorize(user, 'policy.edit');
  if (input.definition.id !== workflowId) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/definition/id', message: `定义的 id 须为「${workflowId}」 / the definition's id must be "${workflowId}"` }] });
  }
  const now = deps.clock.now();
  // Read before the transaction: the embedded database's one connection is the transaction's.
  const inForce = await deps.registry.definitionsInForce(deps.db, now);
  return deps.db.transaction().execute(async (trx) => {
    const version = await nextVersion(trx, workflowId);
    const definition = { ...input.definition, version } as unknown as WorkflowDefinition;
    const known = new Set(inForce.map((d) => d.id).concat(workflowId));
    const findings = lintDefinition(`${workflowId}@${version}`, definition, known, abbreviationUsers(inForce));
    await insertDraft(trx, {
      definition, note: input.note, author: user.id, findings, policyDocument: input.policyDocument ?? null,
      effectiveFrom: input.effectiveFrom ? new Date(input.effectiveFrom) : null, now,
    });
    return { workflowId, version, status: 'draft' as const, findings };
  });
}

export interface CaseImpact {
  caseId: string;
  caseNo: string;
  fromVersion: number;
  state: string;
  stateExists: boolean;
  dataErrors: { form: string; errors: { path: string; message: string }[] }[];
}

/** Errors the case's answers would meet under the new forms (each form judged on the fields the case has filled). */
function dataErrors(wf: CompiledWorkflow, data: Record<string, unknown>) {
  const out: CaseImpact['dataErrors'] = [];
  for (const [formId, schema] of Object.entries(wf.definition.forms)) {
    const props = Object.keys((schema.properties as Record<string, JsonSchema> | undefined) ?? {});
    const answered = Object.fromEntries(props.filter((p) => p in data).map((p) => [p, data[p]]));
    if (Object.keys(answered).length === 0) continue;
    const validate = wf.forms.get(formId)!;
    if (!validate(answered)) out.push({ form: formId, errors: fieldErrors(validate.errors, 'zh', schema) });
  }
  return out;
}

/** Every open case of the item checked against a version: would its state exist, would its data pass. */
export async function impactReport(
  deps: CaseDeps, workflowId: string, version: number,
): Promise<{ cases: CaseImpact[]; summary: { open: number; stateMissing: number; dataInvalid: number } }> {
  const target = await getVersion(deps.db, workflowId, version);
  if (!target) throw new AppError('NOT_FOUND');
  // Usually a draft, not in the registry: its validators go with the report.
  const wf = compile(target.definition, createAjv());
  const rows = await listOpenCases(deps.db, workflowId);
  const cases = rows.map((c) => ({
    caseId: c.id, caseNo: c.caseNo, fromVersion: c.workflowVersion, state: c.state,
    stateExists: c.state in wf.definition.machine.states, dataErrors: dataErrors(wf, c.snapshot.context.data),
  }));
  return {
    cases,
    summary: {
      open: cases.length, stateMissing: cases.filter((c) => !c.stateExists).length,
      dataInvalid: cases.filter((c) => c.dataErrors.length > 0).length,
    },
  };
}

/** Publishes a clean draft, effective now or on a date; the answer carries the impact on running cases. */
export async function publish(deps: CaseDeps, user: User, workflowId: string, version: number, effectiveFrom?: string) {
  authorize(user, 'policy.edit');
  const now = deps.clock.now();
  const draft = await getVersion(deps.db, workflowId, version);
  if (!draft) throw new AppError('NOT_FOUND');
  if (draft.status !== 'draft') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '只能发布草稿', en: 'Only a draft can be published' } });
  if (draft.findings.length > 0) {
    throw new AppError('VALIDATION_FAILED', { detail: { zh: '草稿未通过检查，不能发布', en: 'The draft has lint findings and cannot be published' }, errors: draft.findings.map((f) => ({ path: f.path, message: f.message })) });
  }
  const from = effectiveFrom ? new Date(effectiveFrom) : draft.effectiveFrom ?? now;
  await deps.db.transaction().execute(async (trx) => {
    await markPublished(trx, workflowId, version, from, now);
    if (from <= now) await retireBefore(trx, workflowId, version, now);
  });
  // After the commit, or a read in between could keep the old list.
  deps.registry.forgetInForce();
  return { workflowId, version, status: 'published' as const, effectiveFrom: from.toISOString(), impact: await impactReport(deps, workflowId, version) };
}

export interface MigrationFate {
  caseId: string;
  fromVersion: number;
  fromState: string;
  toState: string | null;
  fate: 'migrate' | 'already' | 'blocked';
  reason?: string;
  dataErrors: CaseImpact['dataErrors'];
}

/** What moving the item's open cases to `toVersion` with a state mapping would do to each one. */
export async function planMigration(
  deps: CaseDeps, workflowId: string, toVersion: number, mapping: Record<string, string>,
): Promise<{ fates: MigrationFate[]; blocked: number }> {
  const target = await getVersion(deps.db, workflowId, toVersion);
  if (!target || target.status === 'draft') throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/toVersion', message: '目标版本须已发布 / the target version must be published' }] });
  const states = target.definition.machine.states;
  for (const [from, to] of Object.entries(mapping)) {
    if (!states[to]) throw new AppError('VALIDATION_FAILED', { errors: [{ path: `/mapping/${from}`, message: `目标版本没有环节「${to}」 / no state "${to}" in version ${toVersion}` }] });
  }
  const impact = await impactReport(deps, workflowId, toVersion);
  const fates = impact.cases.map((c): MigrationFate => {
    if (c.fromVersion === toVersion) return { caseId: c.caseId, fromVersion: c.fromVersion, fromState: c.state, toState: c.state, fate: 'already', dataErrors: [] };
    const toState = mapping[c.state] ?? (c.stateExists ? c.state : null);
    if (!toState) return { caseId: c.caseId, fromVersion: c.fromVersion, fromState: c.state, toState: null, fate: 'blocked', reason: `环节「${c.state}」在新版本中不存在且未指定对应环节 / state "${c.state}" is gone and has no mapping`, dataErrors: c.dataErrors };
    if (states[toState]!.type === 'final') return { caseId: c.caseId, fromVersion: c.fromVersion, fromState: c.state, toState, fate: 'blocked', reason: '不能把在办案件迁移到终结环节 / an open case cannot be moved to a final state', dataErrors: c.dataErrors };
    return { caseId: c.caseId, fromVersion: c.fromVersion, fromState: c.state, toState, fate: 'migrate', dataErrors: c.dataErrors };
  });
  return { fates, blocked: fates.filter((f) => f.fate === 'blocked').length };
}

/**
 * Moves each planned case in its own transaction, recording a MIGRATE entry; a case already
 * moved (a rerun after a crash) is skipped, so the job can safely run again.
 */
export async function runMigration(
  deps: CaseDeps, workflowId: string, toVersion: number, mapping: Record<string, string>, actorId: string | null,
  progress: (p: Record<string, unknown>) => Promise<void>,
) {
  const plan = await planMigration(deps, workflowId, toVersion, mapping);
  if (plan.blocked > 0) throw new AppError('VALIDATION_FAILED', { detail: { zh: `${plan.blocked}件案件无法迁移，请补充环节对应关系`, en: `${plan.blocked} cases cannot be moved; complete the state mapping` } });
  const to = (await deps.registry.get(deps.db, workflowId, toVersion))!;
  let migrated = 0;
  for (const fate of plan.fates.filter((f) => f.fate === 'migrate')) {
    await deps.db.transaction().execute(async (trx) => {
      const c = await lockCase(trx, fate.caseId, EVERYWHERE);
      if (!c || c.status !== 'open' || c.workflowVersion === toVersion) return;
      const now = deps.clock.now();
      const next = migrateSnapshot(to, c.snapshot, fate.toState!);
      const timing = timingOnEntry(to, c, next, now, deps.calendar.current);
      await moveToVersion(trx, c, toVersion, next, timing, now, actorId);
      await appendEvent(trx, c.id, {
        seq: c.version + 1, kind: 'machine', type: 'MIGRATE', actorId,
        payload: { fromVersion: c.workflowVersion, toVersion, fromState: c.state, toState: next.value },
        fromState: c.state, toState: next.value, at: now,
      });
      migrated++;
    });
    await progress({ migrated, total: plan.fates.length });
  }
  return { migrated, skipped: plan.fates.length - migrated, fates: plan.fates };
}
