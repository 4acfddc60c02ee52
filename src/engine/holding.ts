/** The levels of station that hold steps (steps above the district are recorded by the district). */
export type HoldingLevel = 'village' | 'town' | 'district';

/**
 * Who holds a case's open step, and so who may act on it: one person (the step was handed to them
 * by 转办, or they claimed it, 认领), or the queue of a station: its clerks, or, once an overdue
 * step has been escalated past the top level, its supervisors (ADR 0019).
 */
export type Holder =
  | { kind: 'person'; userId: string }
  | { kind: 'queue'; level: HoldingLevel; stationPath: string; supervisors: boolean };

/** What of a case decides its holder: its station, and the person or level it was sent to. */
export interface HeldCase {
  stationPath: string;
  assigneeId: string | null;
  /** The level an overdue step was escalated to; the step's own level when it was already at the top. */
  escalatedTo: string | null;
}

/** What of a user decides whether they are the holder. */
export interface Acting {
  id: string;
  role: string;
  level: string;
}

const DEPTH: Record<HoldingLevel, number> = { district: 1, town: 2, village: 3 };
const ABOVE: Record<HoldingLevel, HoldingLevel> = { village: 'town', town: 'district', district: 'district' };

export function isHoldingLevel(v: string | null): v is HoldingLevel {
  return v === 'village' || v === 'town' || v === 'district';
}

/** The station at `level` whose area holds the case's station (`xinhe.dongcheng.qiaotou`, town → `xinhe.dongcheng`). */
export function queueStationPath(caseStationPath: string, level: HoldingLevel): string {
  return caseStationPath.split('.').slice(0, DEPTH[level]).join('.');
}

/**
 * Where escalating a step held at `level` sends it: the level above; at the top level the same
 * level's supervisors, so that escalation always reaches someone new.
 */
export function escalationLevel(level: HoldingLevel): HoldingLevel {
  return ABOVE[level];
}

/**
 * The holder of a case's open step at `stepLevel` (the level its definition names), or null for a
 * step nobody acts on (it waits for a timer or the service).
 */
export function holderOf(c: HeldCase, stepLevel: HoldingLevel | null): Holder | null {
  if (!stepLevel) return null;
  if (c.assigneeId) return { kind: 'person', userId: c.assigneeId };
  if (isHoldingLevel(c.escalatedTo)) {
    const level = c.escalatedTo;
    // Escalated "to its own level" only happens at the top: the level's supervisors take it.
    return { kind: 'queue', level, stationPath: queueStationPath(c.stationPath, level), supervisors: level === stepLevel };
  }
  return { kind: 'queue', level: stepLevel, stationPath: queueStationPath(c.stationPath, stepLevel), supervisors: false };
}

/** Whether a person of `role` may be handed a step whose events `eventRoles` may send (转办, 认领). */
export function mayBeHanded(role: string, eventRoles: readonly string[]): boolean {
  return role === 'supervisor' || (role === 'clerk' && eventRoles.includes('clerk'));
}

/**
 * Whether the actor holds the step for an event that `eventRoles` may send. The actor's area is
 * checked before (a case outside it is not found), so the level decides which station's staff act.
 * A person the step was handed to acts whatever their level: the hand-over is the grant. A clerk
 * still cannot take a decision the definition keeps for supervisors; a supervisor may take any step.
 */
export function holds(holder: Holder, actor: Acting, eventRoles: readonly string[]): boolean {
  if (holder.kind === 'person') return holder.userId === actor.id && mayBeHanded(actor.role, eventRoles);
  if (actor.level !== holder.level) return false;
  return holder.supervisors ? actor.role === 'supervisor' : eventRoles.includes(actor.role);
}
