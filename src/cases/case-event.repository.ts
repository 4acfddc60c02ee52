import { sql } from 'kysely';
import { openPayload, sealPayload } from '../crypto/sealed-payload.ts';
import type { Executor } from '../db/database.ts';
import { entryDigest, genesisHash, linkHashSql } from './history-chain.ts';
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

/** The entry written, as a reader of the history would get it (the actor's name is the caller's to add). */
export type WrittenEvent = Omit<CaseEventRow, 'actorName'>;

/** An entry to append; `priorTiming`: the case's clock before a step that moved it, kept for 撤回. */
export interface NewEntry {
  caseId: string;
  event: WrittenEvent;
  priorTiming?: StepTiming | null;
}

/** An entry's columns as stored: payload sealed, the prior clock as JSON, the digest its chain link is made from. */
export function storedEntry(
  caseId: string, e: WrittenEvent, priorTiming?: StepTiming | null,
): { payload: string; priorTiming: string | null; digest: string } {
  const timing = priorTiming ? JSON.parse(JSON.stringify(priorTiming)) as unknown : null;
  return {
    payload: JSON.stringify(sealPayload(caseId, e.seq, e.payload)),
    priorTiming: timing === null ? null : JSON.stringify(timing),
    digest: entryDigest(caseId, { ...e, priorTiming: timing }),
  };
}

/**
 * Every history entry is written here but a new case's first, which goes in with the case
 * (case-start.repository.ts), and a step's, which goes in with the case's own update (`writeEntry`,
 * case.repository.ts); each with its link in the case's hash chain
 * (src/cases/history-chain.ts): the previous entry's hash is read where it is stored, in the same
 * statement, which also moves the case's head (`cases.history_hash`). One entry per case at a
 * time; the caller holds the case (its row lock, or a case it has just created).
 */
export async function appendEvents(db: Executor, entries: NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (new Set(entries.map((x) => x.caseId)).size !== entries.length) throw new Error('appendEvents: one entry per case at a time');
  const values = sql.join(entries.map(({ caseId, event: e, priorTiming }) => {
    const stored = storedEntry(caseId, e, priorTiming);
    return sql`(${caseId}, ${e.seq}::int, ${e.kind}, ${e.type}, ${stored.payload}::jsonb, ${e.actorId}::text,
      ${e.fromState}::text, ${e.toState}::text, ${e.at}::timestamptz, ${stored.priorTiming}::jsonb, ${stored.digest}::text,
      ${e.seq === 1 ? genesisHash(caseId) : null}::text)`;
  }));
  const written = await sql<{ id: string }>`
    with v (case_id, seq, kind, type, payload, actor_id, from_state, to_state, at, prior_timing, digest, genesis) as (values ${values}),
    e as (
      insert into case_events (case_id, seq, kind, type, payload, actor_id, from_state, to_state, at, prior_timing, hash)
      select v.case_id, v.seq, v.kind, v.type, v.payload, v.actor_id, v.from_state, v.to_state, v.at, v.prior_timing,
        ${linkHashSql(sql`coalesce(v.genesis, (select p.hash from case_events p where p.case_id = v.case_id and p.seq = v.seq - 1))`, sql`v.digest`)}
      from v
      returning case_id, hash)
    update cases set history_hash = e.hash from e where cases.id = e.case_id returning cases.id`.execute(db);
  if (written.rows.length !== entries.length) throw new Error(`appendEvents: ${entries.length - written.rows.length} entries for cases that do not exist`);
}

export async function appendEvent(
  db: Executor, caseId: string, e: WrittenEvent, priorTiming?: StepTiming | null,
): Promise<WrittenEvent> {
  await appendEvents(db, [{ caseId, event: e, priorTiming }]);
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
export async function priorTimingOf(
  db: Executor, caseId: string, seq: number,
): Promise<Record<string, unknown> | null> {
  const r = await db.selectFrom('case_events').select('prior_timing').where('case_id', '=', caseId).where('seq', '=', seq).executeTakeFirst();
  return (r?.prior_timing as Record<string, unknown> | null | undefined) ?? null;
}
