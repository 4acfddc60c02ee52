import type { Executor } from '../db/database.ts';
import { isSystemEvent } from '../definitions/transitions.ts';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { actingLevel, eventRoles } from '../engine/engine.ts';
import { mayBeHanded } from '../engine/holding.ts';
import { AppError } from '../http/errors.ts';
import { inSubtree } from '../jurisdiction/within-area.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { findUserAnyStatus, listChoices } from '../users/user.repository.ts';
import type { User, UserChoice } from '../users/user.types.ts';
import type { Case } from './case.types.ts';

/** The roles that may send some event of the case's open step; empty for a step nobody acts on. */
function stepRoles(def: WorkflowDefinition, c: Pick<Case, 'state'>): string[] {
  const state = def.machine.states[c.state]!;
  if (!actingLevel(state)) return [];
  const events = Object.keys(state.on ?? {}).filter((t) => !isSystemEvent(t));
  return [...new Set(events.flatMap((t) => eventRoles(state, t)))];
}

/**
 * Who may take a step (转办, ADR 0019): active clerks and supervisors whose area contains the case
 * (a clerk only where the step's events allow clerks). For one case (`case`), or for a batch over
 * an area (`area`: each case checks its own with `checkTaker` when the batch runs).
 */
export async function stepTakers(
  db: Executor, scope: { case: Pick<Case, 'state' | 'stationPath'>; definition: WorkflowDefinition } | { area: string },
): Promise<UserChoice[]> {
  const roles = 'area' in scope ? ['clerk'] : stepRoles(scope.definition, scope.case);
  const placed = (path: string) => ('area' in scope ? inSubtree(path, scope.area) : inSubtree(scope.case.stationPath, path));
  return (await listChoices(db)).filter((u) => roles.length > 0 && mayBeHanded(u.role, roles) && placed(u.stationPath))
    .map(({ stationPath: _path, ...u }) => u);
}

const NOT_HANDED = { policy: 'HOLD_ROLE_POLICY', admin: 'HOLD_ROLE_ADMIN' } as const;

/** The user a case's step is handed to, or a 422 naming why they cannot take it. */
export async function checkTaker(
  db: Executor, def: WorkflowDefinition, c: Case, userId: string, lang: Lang,
): Promise<User> {
  const refuse = (text: string) => new AppError('VALIDATION_FAILED', { errors: [{ path: '/userId', message: text }] });
  const roles = stepRoles(def, c);
  if (c.status === 'closed' || roles.length === 0) throw refuse(message(lang, 'HOLD_TARGET_NO_STEP'));
  const target = await findUserAnyStatus(db, userId);
  if (!target || target.disabled) throw refuse(message(lang, 'HOLD_TARGET_UNKNOWN'));
  const name = target.displayName;
  if (target.role === 'policy' || target.role === 'admin') {
    throw refuse(message(lang, 'HOLD_TARGET_ROLE', { name, role: message(lang, NOT_HANDED[target.role]) }));
  }
  if (!mayBeHanded(target.role, roles)) throw refuse(message(lang, 'HOLD_TARGET_SUPERVISORS_ONLY', { name }));
  if (!inSubtree(c.stationPath, target.stationPath)) throw refuse(message(lang, 'HOLD_TARGET_OUTSIDE', { name }));
  return target;
}
