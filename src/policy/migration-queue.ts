import type { FastifyInstance } from 'fastify';
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
