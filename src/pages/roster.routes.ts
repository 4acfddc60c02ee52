import type { FastifyInstance } from 'fastify';
import { disposition } from '../http/download.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import { batchNoticesPdf, batchView, createBatch, runBatch, SYNC_BATCH_CASES } from '../rosters/batch.service.ts';
import { commitRoster, findRoster, listRosters, PERIOD_PATTERN, rosterView, SYNC_COMMIT_ROWS, uploadRoster } from '../rosters/roster.service.ts';
import { rosterDecisions } from '../rosters/roster-decisions.service.ts';
import { ROSTER_PERSON_DEFAULTS } from '../rosters/roster.validate.ts';
import { itemTitles } from '../chain/chain.service.ts';
import { shanghaiParts } from '../time/shanghai.ts';
import { loc } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

/** Items whose cases are opened from a list (the item's initiation, or a roster known to the import). */
async function rosterItems(app: FastifyInstance, lang: 'zh' | 'en') {
  const titles = await itemTitles(app.registry, app.db, app.clock.now());
  const ids = [...titles.keys()].filter((id) => id in ROSTER_PERSON_DEFAULTS);
  return ids.map((id) => ({ id, title: loc(lang, titles.get(id)) || id }));
}

const STATUS: Record<string, MessageKey> = {
  valid: 'PAGE_ROSTER_ROW_VALID',
  duplicate: 'PAGE_ROSTER_ROW_DUPLICATE',
  error: 'PAGE_ROSTER_ROW_ERROR',
  created: 'PAGE_ROSTER_ROW_CREATED',
};

/**
 * Roster import in the clerk's pages: upload → preview with each row's errors → commit → one
 * decision for the imported cases at their step → print the batch's notices.
 */
export default async function rosterPages(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { error?: string } }>('/rosters', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    authorize(user, 'roster.import');
    const items = await rosterItems(app, lang);
    const titles = new Map(items.map((i) => [i.id, i.title]));
    const rosters = (await listRosters(app.db, user, 20))
      .map((r) => ({ ...r, item: titles.get(r.workflowId) ?? r.workflowId }));
    return sendPage(req, reply, 'rosters', message(lang, 'PAGE_ROSTERS_TITLE'), {
      items, rosters, year: shanghaiParts(app.clock.now()).y,
    });
  });

  app.post('/rosters', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const form = posted(req);
    const file = form.files.find((f) => f.field === 'file');
    const workflowId = form.first('workflowId') ?? '';
    const period = (form.first('period') ?? '').trim();
    const listDocumentNumber = (form.first('listDocumentNumber') ?? '').trim();
    const problems: string[] = [];
    if (!file || file.bytes.length === 0) problems.push(message(lang, 'PAGE_ROSTER_FILE_MISSING'));
    if (!new RegExp(PERIOD_PATTERN).test(period)) problems.push(message(lang, 'PAGE_ROSTER_PERIOD_FORMAT'));
    if (file?.truncated) problems.push(message(lang, 'PAGE_ROSTER_FILE_TOO_LARGE'));
    const items = await rosterItems(app, lang);
    if (problems.length) {
      return sendPage(req, reply, 'rosters', message(lang, 'PAGE_ROSTERS_TITLE'), { items, rosters: [], problems, year: period }, 422);
    }
    try {
      const r = await uploadRoster(app.caseDeps, user, {
        workflowId, period, fileName: file!.filename, bytes: file!.bytes,
        defaults: listDocumentNumber ? { listDocumentNumber } : undefined,
      });
      return see(reply, `/rosters/${r.id}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const detail = [errorText(lang, err), ...(err.extras.errors ?? []).map((e) => e.message)];
      return sendPage(req, reply, 'rosters', message(lang, 'PAGE_ROSTERS_TITLE'), { items, rosters: [], problems: detail, year: period }, err.statusCode);
    }
  });

  app.get<{ Params: { id: string }; Querystring: { batch?: string; job?: string } }>('/rosters/:id', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const v = await rosterView(app.db, user, req.params.id);
    if (!v) throw new AppError('NOT_FOUND');
    const items = await itemTitles(app.registry, app.db, app.clock.now());
    const rows = v.rows.map((r) => ({
      ...r, statusText: message(lang, STATUS[r.status]!),
      bad: r.status === 'error', messages: (r.errors as { message: string }[]).map((e) => e.message),
    }));
    const decisions = v.status === 'committed'
      ? (await rosterDecisions(app.caseDeps, user, v.id)).map((d) => ({ ...d, label: loc(lang, d.label) })) : [];
    const batch = req.query.batch ? await batchView(app.db, user, req.query.batch) : undefined;
    return sendPage(req, reply, 'roster', message(lang, 'PAGE_ROSTER_TITLE'), {
      roster: v, item: loc(lang, items.get(v.workflowId)) || v.workflowId, rows, decisions, canCommit: v.status === 'preview' && v.counts.valid > 0,
      large: v.counts.rows > SYNC_COMMIT_ROWS, job: req.query.job,
      batch: batch && { ...batch, failedResults: batch.results.filter((r) => r.ok === false) },
    });
  });

  app.post<{ Params: { id: string } }>('/rosters/:id/commit', async (req, reply) => {
    const user = req.user!;
    const r = await findRoster(app.db, user, req.params.id);
    if (!r) throw new AppError('NOT_FOUND');
    if (r.row_count > SYNC_COMMIT_ROWS) {
      const jobId = await app.jobs.enqueue('roster-commit', { rosterId: r.id, userId: user.id }, user.id);
      return see(reply, `/rosters/${r.id}?job=${jobId}`);
    }
    await commitRoster(app.caseDeps, user, r.id);
    return see(reply, `/rosters/${r.id}`);
  });

  app.post<{ Params: { id: string } }>('/rosters/:id/batch', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const r = await findRoster(app.db, user, req.params.id);
    if (!r) throw new AppError('NOT_FOUND');
    const form = posted(req);
    const [state, type] = (form.first('decision') ?? '').split(':');
    if (!state || !type) throw new AppError('BAD_REQUEST');
    const { id, caseIds } = await createBatch(app.caseDeps, user, {
      workflowId: r.workflow_id, state, type, rosterId: r.id,
    });
    if (caseIds.length > SYNC_BATCH_CASES) await app.jobs.enqueue('batch-action', { batchId: id, userId: user.id, data: {}, lang }, user.id);
    else await runBatch(app.caseDeps, user, id, {}, lang);
    return see(reply, `/rosters/${r.id}?batch=${id}`);
  });

  app.get<{ Params: { id: string; batchId: string } }>('/rosters/:id/batches/:batchId/notices.pdf', async (req, reply) => {
    const out = await batchNoticesPdf(app.db, req.user!, req.params.batchId, app.clock.now());
    if (!out) throw new AppError('NOT_FOUND');
    const name = disposition(message(pageLang(req), 'DOWNLOAD_BATCH_NOTICES', { batch: req.params.batchId.slice(-12) }), `batch-${req.params.batchId}.pdf`, 'inline');
    return reply.type('application/pdf').header('content-disposition', name).header('cache-control', 'private, no-store').send(out.pdf);
  });
}
