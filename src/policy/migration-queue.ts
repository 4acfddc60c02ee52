import type { FastifyInstance } from 'fastify';
import type { Executor } from '../db/database.ts';
import { findJob } from '../jobs/job.repository.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { User } from '../users/user.repository.ts';
import { planMigration } from './policy.service.ts';

export const MIGRATION_JOB = 'migrate-cases';

/** Queues the real run of a migration whose dry run blocks nothing (the API's and the page's). */
export async function queueMigration(
  app: FastifyInstance, user: User, workflowId: string, toVersion: number, mapping: Record<string, string>,
): Promise<string> {
  authorize(user, 'policy.edit');
  const plan = await planMigration(app.caseDeps, workflowId, toVersion, mapping);
  if (plan.blocked > 0) throw new AppError('VALIDATION_FAILED', { detail: { zh: `${plan.blocked}件案件无法迁移，请补充环节对应关系`, en: `${plan.blocked} cases cannot be moved; complete the state mapping` } });
  return app.jobs.enqueue(MIGRATION_JOB, { workflowId, toVersion, mapping, userId: user.id }, user.id);
}

/** A migration the user queued, as far as the page reports it; undefined for anyone else's job. */
export async function migrationJob(db: Executor, user: User, jobId: string) {
  const job = await findJob(db, jobId);
  if (!job || job.kind !== MIGRATION_JOB || job.createdBy !== user.id) return undefined;
  return { status: job.status, migrated: Number(job.progress.migrated ?? 0), error: job.error };
}
