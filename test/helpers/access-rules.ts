import type { FastifyInstance } from 'fastify';
import { errorStatus } from '../../src/http/errors.ts';
import type { Action } from '../../src/jurisdiction/access-rules.ts';
import { can, refusalOf, type Resource } from '../../src/jurisdiction/authorize.ts';
import { inSubtree } from '../../src/jurisdiction/within-area.ts';
import { findUserByUsername, type User } from '../../src/users/user.repository.ts';
import { ROLES, USERNAME, type Role, type Target } from './access.ts';

/*
 * How the access matrices read the rules table (src/jurisdiction/access-rules.ts): a row of a matrix
 * names the action its route performs, and wherever the table refuses that action to a role, the
 * cell is the rule's refusal. The cells the table does not decide (what an allowed request then
 * meets: validation, the engine's steps, a record outside the area) stay written as data.
 */

/** The station paths of the targets: @Q in 桥头村 (东城镇), @S in 山下村 (西山镇). */
const pathOf = { Q: 'xinhe.dongcheng.qiaotou', S: 'xinhe.xishan.shanxia' } as const;

/** A batch action of the matrices' set-up: run by the clerk of the target's village. */
const ranBy = { Q: 'u-village-clerk', S: 'u-xishan-clerk' } as const;
export const batchOfTarget = (target: Target): Resource => ({ ownerId: ranBy[target], stationPath: pathOf[target] });

export interface RuleOfRow {
  action: Action;
  /** What the action is done to, for rules of ownership and area. */
  resource?: (target: Target) => Resource;
  /**
   * The route finds its record in the user's area before asking the rule (outside, it does not exist):
   * the record lies at the target's village (`true`) or at the station path given.
   */
  areaFirst?: true | string;
  /** The outcome a refusal has on this route, when it is not the rule's status (a page answering with its form). */
  refused?: number;
}

/** Rows of routes that do nothing but the action (no resource, no record looked up first), by action. */
export function routesDoing(groups: Partial<Record<Action, string[]>>): Record<string, RuleOfRow> {
  const rows = Object.entries(groups).flatMap(([action, routes]) => routes!.map((r) => [r, { action } as RuleOfRow]));
  return Object.fromEntries(rows);
}

export type Users = Record<Exclude<Role, 'anon'>, User>;

/** The seeded users of the matrices' roles, as the service sees them. */
export async function usersOf(app: FastifyInstance): Promise<Users> {
  const seeded = Object.entries(USERNAME).map(async ([role, name]) => [role, await findUserByUsername(app.db, name)]);
  const entries = await Promise.all(seeded);
  return Object.fromEntries(entries) as unknown as Users;
}

/**
 * A row as the rules table has it: the rule's refusal in every cell it refuses, the written cell
 * elsewhere; and where the written row disagrees with the table (a refusal the table does not make,
 * or one it makes that is not written), the disagreements, so that the two cannot drift apart.
 */
function expectedRow<O>(users: Users, written: O[], row: RuleOfRow | undefined, target: Target) {
  const expected: (O | number)[] = [...written];
  const disagreements: string[] = [];
  if (!row) return { expected, disagreements };
  const refusal = row.refused ?? errorStatus[refusalOf(row.action)];
  ROLES.forEach((role, i) => {
    if (role === 'anon') return;
    const user = users[role];
    const area = row.areaFirst === true ? pathOf[target] : row.areaFirst;
    if (area !== undefined && !inSubtree(area, user.stationPath)) return;
    if (can(user, row.action, row.resource?.(target))) {
      if (written[i] === refusal) disagreements.push(`${role}: written ${refusal}, ${row.action} allows it`);
      return;
    }
    if (written[i] !== refusal) disagreements.push(`${role}: written ${String(written[i])}, ${row.action} refuses it`);
    expected[i] = refusal;
  });
  return { expected, disagreements };
}

/**
 * Each row of a matrix ("METHOD /url [variant] [@target]"): the request it stands for (route and
 * variant), its target, and its expected outcomes with any disagreement between it and the table.
 */
export function rowsOf<O>(matrix: Record<string, O[]>, rules: Record<string, RuleOfRow>, users: Users) {
  return Object.entries(matrix).map(([key, written]) => {
    const [method, url, ...rest] = key.split(' ');
    const target = (rest.find((x) => x.startsWith('@'))?.slice(1) ?? 'Q') as Target;
    const variant = rest.find((x) => !x.startsWith('@'));
    const route = [method, url, variant].filter(Boolean).join(' ');
    return { key, route, target, ...expectedRow(users, written, rules[route], target) };
  });
}

/** Routes given an action that no row of the matrix asks (a misspelt or removed route). */
export function rulesWithoutRow(matrix: Record<string, unknown>, rules: Record<string, RuleOfRow>): string[] {
  return Object.keys(rules).filter((route) => !Object.keys(matrix).some((key) => key.split(' @')[0] === route));
}
