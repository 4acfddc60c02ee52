import fp from 'fastify-plugin';
import { sweep } from './sweeper.ts';

/** Runs the deadline sweeper on an interval while the service is up; one sweep at a time per process. */
export default fp<{ intervalSeconds: number; graceWorkingDays: number }>(async (app, opts) => {
  if (opts.intervalSeconds <= 0) return;
  let running: Promise<unknown> | undefined;
  const run = () => {
    if (running) return;
    running = sweep(app.caseDeps, { graceWorkingDays: opts.graceWorkingDays, batchSize: 200 })
      .then((r) => { if (r.timers + r.deadlines + r.overdue + r.escalated > 0) app.log.info({ sweep: r }, 'deadline sweep'); })
      .catch((err) => app.log.warn({ err }, 'deadline sweep failed; it runs again next interval'))
      .finally(() => { running = undefined; });
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(run, opts.intervalSeconds * 1000);
    timer.unref();
    run();
  });
  app.addHook('preClose', async () => {
    clearInterval(timer);
    await running;
  });
}, { name: 'sweeper', dependencies: ['db'] });
