import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { claimJob, findJob, finishJob, insertJob, setProgress } from './job.repository.ts';
import { Job } from './job.schemas.ts';

type JobHandler = (
  app: FastifyInstance, params: Record<string, unknown>, progress: (p: Record<string, unknown>) => Promise<void>,
) => Promise<unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    jobs: {
      register(kind: string, handler: JobHandler): void;
      /** Stores the job, then runs it in the background; the caller answers 202 with its id. */
      enqueue(kind: string, params: Record<string, unknown>, userId: string | null): Promise<string>;
      /** Runs queued jobs until none is left (also what the poller does). */
      drain(): Promise<void>;
    };
  }
}

/** A job left "running" this long is taken to be orphaned by a process that died, and runs again. */
const STALE_MS = 10 * 60_000;

/**
 * Durable background jobs in the database: enqueued in a row, claimed with SKIP LOCKED (several
 * instances may poll), resumed after a crash. Handlers must be safe to run again.
 */
export default fp<{ pollSeconds: number }>(async (app, opts) => {
  const handlers = new Map<string, JobHandler>();
  let draining: Promise<void> | undefined;
  const runOne = async (): Promise<boolean> => {
    const now = app.clock.now();
    const job = await claimJob(app.db, now, new Date(now.getTime() - STALE_MS));
    if (!job) return false;
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const result = await handler(app, job.params, (p) => setProgress(app.db, job.id, p));
      await finishJob(app.db, job.id, { result }, app.clock.now());
    } catch (err) {
      app.log.warn({ err, jobId: job.id }, 'job failed');
      await finishJob(
        app.db, job.id, { error: err instanceof AppError ? err.message : (err as Error).message }, app.clock.now(),
      );
    }
    return true;
  };
  const drain = () => {
    draining ??= (async () => {
      try {
        while (await runOne());
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  };
  app.decorate('jobs', {
    register: (kind: string, handler: JobHandler) => { handlers.set(kind, handler); },
    enqueue: async (kind: string, params: Record<string, unknown>, userId: string | null) => {
      const id = await insertJob(app.db, kind, params, userId, app.clock.now());
      setImmediate(() => { drain().catch((err) => app.log.warn({ err }, 'job runner')); });
      return id;
    },
    drain,
  });
  let timer: NodeJS.Timeout | undefined;
  if (opts.pollSeconds > 0) {
    app.addHook('onReady', async () => {
      timer = setInterval(() => { drain().catch((err) => app.log.warn({ err }, 'job runner')); }, opts.pollSeconds * 1000);
      timer.unref();
    });
  }
  app.addHook('preClose', async () => {
    clearInterval(timer);
    await draining;
  });

  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', {
    schema: { tags: ['jobs'], response: { 200: Job }, summary: 'Progress and result of a background job', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } },
  }, async (req) => {
    const job = await findJob(app.db, req.params.id);
    if (!job) throw new AppError('NOT_FOUND');
    authorize(req.user!, 'job.view', { ownerId: job.createdBy });
    return {
      id: job.id, kind: job.kind, status: job.status, progress: job.progress, result: job.result, error: job.error,
      createdAt: job.createdAt.toISOString(), finishedAt: job.finishedAt?.toISOString() ?? null,
    };
  });
}, { name: 'jobs', dependencies: ['db', 'clock', 'auth'] });
