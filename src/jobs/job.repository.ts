import { sql } from 'kysely';
import { openJson, sealJson } from '../crypto/sealed-data.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';

export interface Job {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  params: Record<string, unknown>;
  progress: Record<string, unknown>;
  result: unknown;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * A job's parameters may carry a step's form data (a batch action's opinion, an ID number): sealed like the case's own.
 */
const sealParams = (id: string, params: Record<string, unknown>) => sealJson(params, `jobs.params:${id}:`);
const openParams = (id: string, stored: unknown) => openJson(stored as Record<string, unknown>, `jobs.params:${id}:`);

export async function insertJob(
  db: Executor, kind: string, params: Record<string, unknown>, userId: string | null, now: Date,
): Promise<string> {
  const id = newId(now.getTime());
  await db.insertInto('jobs').values({ id, kind, status: 'queued', params: JSON.stringify(sealParams(id, params)), progress: '{}', created_by: userId, created_at: now }).execute();
  return id;
}

export async function findJob(db: Executor, id: string): Promise<Job | undefined> {
  const r = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return r && {
    id: r.id, kind: r.kind, status: r.status, params: openParams(r.id, r.params), progress: r.progress,
    result: r.result, error: r.error, createdBy: r.created_by, createdAt: r.created_at, finishedAt: r.finished_at,
  };
}

/** Takes the oldest queued job (or one left running by a process that died long ago), if any. */
export async function claimJob(
  db: Executor, now: Date, staleBefore: Date,
): Promise<{ id: string; kind: string; params: Record<string, unknown> } | undefined> {
  const r = await sql<{ id: string; kind: string; params: Record<string, unknown> }>`
    update jobs set status = 'running', started_at = ${now}
    where id = (select id from jobs where status = 'queued' or (status = 'running' and started_at < ${staleBefore})
                order by created_at limit 1 for update skip locked)
    returning id, kind, params`.execute(db);
  const job = r.rows[0];
  return job && { ...job, params: openParams(job.id, job.params) };
}

export async function setProgress(db: Executor, id: string, progress: Record<string, unknown>): Promise<void> {
  await db.updateTable('jobs').set({ progress: JSON.stringify(progress) }).where('id', '=', id).execute();
}

export async function finishJob(
  db: Executor, id: string, outcome: { result?: unknown; error?: string }, now: Date,
): Promise<void> {
  await db.updateTable('jobs').set({
    status: outcome.error ? 'failed' : 'succeeded', result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
    error: outcome.error ?? null, finished_at: now,
  }).where('id', '=', id).execute();
}
