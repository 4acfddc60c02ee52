import type { Executor } from '../db/database.ts';

export interface CaseEventRow {
  seq: number;
  kind: 'machine' | 'admin';
  type: string;
  payload: Record<string, unknown>;
  actorId: string | null;
  actorName: string | null;
  fromState: string | null;
  toState: string | null;
  at: Date;
}

export async function appendEvent(db: Executor, caseId: string, e: Omit<CaseEventRow, 'actorName'>): Promise<void> {
  await db.insertInto('case_events').values({
    case_id: caseId, seq: e.seq, kind: e.kind, type: e.type, payload: JSON.stringify(e.payload),
    actor_id: e.actorId, from_state: e.fromState, to_state: e.toState, at: e.at,
  }).execute();
}

export async function listEvents(db: Executor, caseId: string): Promise<CaseEventRow[]> {
  const rows = await db.selectFrom('case_events').leftJoin('users', 'users.id', 'case_events.actor_id')
    .select(['case_events.seq', 'case_events.kind', 'case_events.type', 'case_events.payload', 'case_events.actor_id', 'users.display_name',
      'case_events.from_state', 'case_events.to_state', 'case_events.at'])
    .where('case_events.case_id', '=', caseId).orderBy('case_events.seq').execute();
  return rows.map((r) => ({
    seq: r.seq, kind: r.kind, type: r.type, payload: r.payload as unknown as Record<string, unknown>, actorId: r.actor_id,
    actorName: r.display_name, fromState: r.from_state, toState: r.to_state, at: r.at,
  }));
}

/** Who sent the last machine event (four-eyes steps compare against it). */
export async function lastMachineActor(db: Executor, caseId: string): Promise<string | null> {
  const r = await db.selectFrom('case_events').select('actor_id').where('case_id', '=', caseId).where('kind', '=', 'machine')
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return r?.actor_id ?? null;
}
