import { AppError } from '../http/errors.ts';
import { accessMessages } from '../messages/access.messages.ts';
import { inSubtree } from './within-area.ts';
import type { User } from '../users/user.repository.ts';
import { ACCESS_RULES, type Action, type Grant, type Rule } from './access-rules.ts';

/** What an action is done to, as far as the rules care: whose it is and where it lies. */
export interface Resource {
  /** Null: nobody's (started by the service itself). */
  ownerId?: string | null;
  stationPath?: string;
}

function holds(user: User, g: Grant, r: Resource): boolean {
  if (g.roles && !g.roles.includes(user.role)) return false;
  if (g.level && user.stationLevel !== g.level) return false;
  if (g.own && r.ownerId !== user.id) return false;
  if (g.withinArea) {
    if (r.stationPath === undefined) return false;
    const inside = inSubtree(r.stationPath, user.stationPath);
    if (!inside && !(g.withinArea === 'or-above' && inSubtree(user.stationPath, r.stationPath))) return false;
  }
  return true;
}

/** Whether the user may do the action (pages show or hide what it leads to). */
export function can(user: User, action: Action, resource: Resource = {}): boolean {
  const rule: Rule = ACCESS_RULES[action];
  return rule.allow.some((g) => holds(user, g, resource));
}

/** What a refused user is told: FORBIDDEN, or NOT_FOUND for what they must not know exists. */
export function refusalOf(action: Action): 'FORBIDDEN' | 'NOT_FOUND' {
  const rule: Rule = ACCESS_RULES[action];
  return rule.refusal ?? 'FORBIDDEN';
}

/** Refuses the action unless the rules allow it. */
export function authorize(user: User, action: Action, resource?: Resource): void {
  if (can(user, action, resource)) return;
  const rule: Rule = ACCESS_RULES[action];
  throw new AppError(refusalOf(action), rule.detail && { detail: accessMessages[rule.detail] });
}
