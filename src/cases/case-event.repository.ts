import { openJson, sealJson } from '../crypto/sealed-data.ts';
import type { Executor } from '../db/database.ts';
import type { StepTiming } from './step-timing.ts';

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

/** A history entry's payload as stored: personal data sealed for this case, entry and field (src/crypto/sealed-data.ts). */
export function sealPayload(caseId: string, seq: number, payload: Record<string, unknown>): Record<string, unknown> {
  return sealJson(payload, `case_events.payload:${caseId}:${seq}:`);
}

/** Every reader of `case_events.payload` outside this file goes through here. */
export function openPayload(caseId: string, seq: number, stored: unknown): Record<string, unknown> {
  return openJson(stored as Record<string, unknown>, `case_events.payload:${caseId}:${seq}:`);
}

/** The entry written, as a reader of the history would get it (the actor's name is the caller's to add). */
export type WrittenEvent = Omit<CaseEventRow, 'actorName'>;

/** `priorTiming`: the case's clock before a step that moved it, kept for 撤回. */
export async function appendEvent(db: Executor, caseId: string, e: WrittenEvent, priorTiming?: StepTiming | null): Promise<WrittenEvent> {
  await db.insertInto('case_events').values({
    case_id: caseId, seq: e.seq, kind: e.kind, type: e.type, payload: JSON.stringify(sealPayload(caseId, e.seq, e.payload)),
    actor_id: e.actorId, from_state: e.fromState, to_state: e.toState, at: e.at, prior_timing: priorTiming ? JSON.stringify(priorTiming) : null,
  }).execute();
  return e;
}

export async function listEvents(db: Executor, caseId: string): Promise<CaseEventRow[]> {
  const rows = await db.selectFrom('case_events').leftJoin('users', 'users.id', 'case_events.actor_id')
    .select(['case_events.seq', 'case_events.kind', 'case_events.type', 'case_events.payload', 'case_events.actor_id', 'users.display_name',
      'case_events.from_state', 'case_events.to_state', 'case_events.at'])
    .where('case_events.case_id', '=', caseId).orderBy('case_events.seq').execute();
  return rows.map((r) => ({
    seq: r.seq, kind: r.kind, type: r.type, payload: openPayload(caseId, r.seq, r.payload), actorId: r.actor_id,
    actorName: r.display_name, fromState: r.from_state, toState: r.to_state, at: r.at,
  }));
}

/** The clock kept beside an entry (null for entries written before it was kept, or that did not move the case). */
export async function priorTimingOf(db: Executor, caseId: string, seq: number): Promise<Record<string, unknown> | null> {
  const r = await db.selectFrom('case_events').select('prior_timing').where('case_id', '=', caseId).where('seq', '=', seq).executeTakeFirst();
  return (r?.prior_timing as Record<string, unknown> | null | undefined) ?? null;
}
