import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/** What a sweep looks for among open cases at `now`. */
export type SweepDue = 'timer' | 'deadline' | 'escalation';

function dueCondition(due: SweepDue, now: Date) {
  if (due === 'timer') return sql`timer_at <= ${now}`;
  if (due === 'deadline') return sql`due_at < ${now} and overdue_at is null`;
  return sql`overdue_at is not null and escalated_at is null`;
}

/**
 * Ids after `after` of open cases that are due, locked for this transaction; rows another sweeper holds are skipped.
 */
export async function claimDueCases(
  trx: Executor, due: SweepDue, now: Date, after: string, limit: number,
): Promise<string[]> {
  const rows = await sql<{ id: string }>`select id from cases where status = 'open' and id > ${after} and ${dueCondition(due, now)} order by id limit ${limit} for update skip locked`.execute(trx);
  return rows.rows.map((r) => r.id);
}

export async function setTimer(trx: Executor, caseId: string, at: Date | null): Promise<void> {
  await trx.updateTable('cases').set({ timer_at: at }).where('id', '=', caseId).execute();
}

export async function markOverdue(trx: Executor, caseId: string, now: Date): Promise<void> {
  await trx.updateTable('cases').set({ overdue_at: now }).where('id', '=', caseId).execute();
}
