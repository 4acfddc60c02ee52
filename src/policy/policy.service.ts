import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { abbreviationUsers, lintDefinition } from '../definitions/linter.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { lockCase, moveToVersion } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { appendEvent } from '../cases/case-event.repository.ts';
import { timingOnEntry } from '../cases/step-timing.ts';
import { migrateSnapshot } from '../engine/engine.ts';
import type { PolicyDocument } from '../definitions/policy-document.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { User } from '../users/user.repository.ts';
import { impactReport, type CaseImpact } from './impact.ts';
import { getVersion, insertDraft, nextVersion } from './policy.repository.ts';

// Reads the routes make as they are.
export { listDrafts } from './policy.repository.ts';
export { impactReport } from './impact.ts';

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

export interface MigrationFate {
  caseId: string;
  caseNo: string;
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
  if (!target || (target.status !== 'published' && target.status !== 'retired')) throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/toVersion', message: '目标版本须已发布 / the target version must be published' }] });
  const states = target.definition.machine.states;
  for (const [from, to] of Object.entries(mapping)) {
    if (!states[to]) throw new AppError('VALIDATION_FAILED', { errors: [{ path: `/mapping/${from}`, message: `目标版本没有环节「${to}」 / no state "${to}" in version ${toVersion}` }] });
  }
  const impact = await impactReport(deps, workflowId, toVersion);
  const fates = impact.cases.map((c): MigrationFate => {
    const { caseId, caseNo, fromVersion } = c;
    if (c.fromVersion === toVersion) return { caseId, caseNo, fromVersion, fromState: c.state, toState: c.state, fate: 'already', dataErrors: [] };
    const toState = mapping[c.state] ?? (c.stateExists ? c.state : null);
    if (!toState) return { caseId, caseNo, fromVersion, fromState: c.state, toState: null, fate: 'blocked', reason: `环节「${c.state}」在新版本中不存在且未指定对应环节 / state "${c.state}" is gone and has no mapping`, dataErrors: c.dataErrors };
    if (states[toState]!.type === 'final') return { caseId, caseNo, fromVersion, fromState: c.state, toState, fate: 'blocked', reason: '不能把在办案件迁移到终结环节 / an open case cannot be moved to a final state', dataErrors: c.dataErrors };
    return { caseId, caseNo, fromVersion, fromState: c.state, toState, fate: 'migrate', dataErrors: c.dataErrors };
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
