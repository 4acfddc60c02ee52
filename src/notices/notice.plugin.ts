import fp from 'fastify-plugin';
import { NoticeRenderJob } from './notice.jobs.ts';
import { setNoticeRuntime } from './notice.runtime.ts';
import { loadSeal } from './notice.seal.ts';
import { noticeSettings, type NoticeSettings } from './notice.settings.ts';

declare module 'fastify' {
  interface FastifyInstance {
    notices: { settings: NoticeSettings; renderJob: NoticeRenderJob };
  }
}

/**
 * Printed notices: settings and the seal (read once, at start; the fonts are parsed for the first
 * notice), and the job that renders PDFs after commit. The case service issues notices through the
 * `db` it holds (notice.runtime.ts).
 */
export default fp<{ settings?: Partial<NoticeSettings> }>(async (app, opts) => {
  const settings = noticeSettings(opts.settings);
  const renderJob = new NoticeRenderJob(app.db, app.clock, app.log, settings.sweepSeconds * 1000);
  const seal = settings.sealImage ? loadSeal(settings.sealImage) : undefined;
  setNoticeRuntime(app.db, { settings, seal, afterIssue: (id) => renderJob.enqueue(id) });
  app.decorate('notices', { settings, renderJob });
  app.addHook('onReady', async () => renderJob.start());
  app.addHook('onClose', async () => renderJob.close());
}, { name: 'notices', dependencies: ['db', 'clock'] });
