import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { disposition } from '../http/download.ts';
import { message } from '../messages/catalogue.ts';
import { languageOf, type Lang } from '../messages/lang.ts';
import { maskText } from '../http/mask.ts';
import { shanghaiDate, shanghaiDays } from '../time/shanghai.ts';
import { toCsv } from './csv.ts';
import { bottleneckCsv, bottleneckReport, bottleneckSvg, stationReport } from './reports.service.ts';
import { bulkAct, escalateCases } from './supervision.service.ts';
import { caseExport, type ExportFilters } from './case-export.service.ts';
import { caseListFilters } from '../cases/case.schemas.ts';
import { csvStream, xlsxStream } from './export-files.ts';
import { auditEntries, personHistory, urgesFor } from './audit.service.ts';
import { ActResults, AuditEvents, Bottlenecks, CaseExportFile, PersonHistory, Queues, StationReport, Urges } from './supervision.schemas.ts';
import { holderQueues } from './queues.service.ts';

const caseIds = { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: { type: 'string', maxLength: 64 }, title: '案件', 'x-title-en': 'Cases' } as const;
const period = {
  type: 'object', additionalProperties: false, required: ['from', 'to'],
  properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, format: { enum: ['json', 'csv', 'svg'], default: 'json' } },
} as const;
/** A station of the user's area whose subtree a report covers (the whole area when absent). */
const stationId = { type: 'string', maxLength: 64 } as const;
/** The language of a file's texts, for a link that must not depend on the browser's Accept-Language. */
const lang = { enum: ['zh', 'en'] } as const;

function langOf(req: { query: { lang?: Lang }; headers: { 'accept-language'?: string } }): Lang {
  return req.query.lang ?? languageOf(req.headers['accept-language']);
}

function periodOf(q: { from: string; to: string }): [Date, Date] {
  const [from, to] = shanghaiDays(q.from, q.to);
  if (to <= from) throw new AppError('BAD_REQUEST', { errors: [{ path: '/querystring/to', message: '结束日期须不早于开始日期 / "to" must not be before "from"' }] });
  return [from, to];
}

function attachment(reply: FastifyReply, name: string, fallback: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', disposition(name, fallback)).send(body);
}

/** The filters of `GET /cases`, without paging, and the file's format and language. */
const exportQuery = {
  type: 'object', additionalProperties: false,
  properties: { format: { enum: ['csv', 'xlsx'], default: 'xlsx' }, lang, ...caseListFilters },
} as const;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export default async function supervisionRoutes(app: FastifyInstance, opts: { exportMaxRows: number }): Promise<void> {
  app.get<{ Querystring: ExportFilters & { format: 'csv' | 'xlsx'; lang?: Lang } }>('/cases/export', {
    schema: {
      tags: ['supervision'], response: { 200: CaseExportFile }, querystring: exportQuery,
      summary: 'The case list as filtered (the filters of GET /cases), as an XLSX or CSV file in Chinese with ID numbers and phones masked; more than EXPORT_MAX_ROWS cases: 422 EXPORT_TOO_MANY',
    },
  }, async (req, reply) => {
    authorize(req.user!, 'supervision.oversee');
    const { format, lang: _, ...filters } = req.query;
    const language = langOf(req);
    const file = await caseExport(app.caseDeps, req.user!, filters, language, opts.exportMaxRows);
    const day = shanghaiDate(app.clock.now());
    const title = `${message(language, 'EXPORT_SHEET')}-${day}.${format}`;
    reply.header('content-disposition', disposition(title, `cases-${day}.${format}`));
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvStream(file.header, file.rows));
    return reply.type(XLSX).send(xlsxStream(message(language, 'EXPORT_SHEET'), file.header, file.rows));
  });

  app.get<{ Querystring: { soonDays: number; idleDays: number; stationId?: string } }>('/reports/stations', {
    schema: { tags: ['supervision'], response: { 200: StationReport }, summary: 'Open, overdue, due-soon, idle and escalated cases per station (subtree) and per item, in the area or one station\'s subtree', querystring: { type: 'object', additionalProperties: false, properties: { soonDays: { type: 'integer', minimum: 1, maximum: 60, default: 3 }, idleDays: { type: 'integer', minimum: 1, maximum: 365, default: 10 }, stationId } } },
  }, async (req) => {
    authorize(req.user!, 'supervision.oversee');
    return stationReport(app.caseDeps, req.user!, req.query);
  });

  app.get<{ Querystring: { from: string; to: string; format: 'json' | 'csv' | 'svg'; stationId?: string; lang?: Lang } }>('/reports/bottlenecks', {
    schema: { tags: ['supervision'], response: { 200: Bottlenecks }, summary: 'Per item and step: median and 90th-percentile time of finished steps, share returned or refused, and how long open cases have sat (json, csv or svg)', querystring: { ...period, properties: { ...period.properties, stationId, lang } } },
  }, async (req, reply) => {
    authorize(req.user!, 'supervision.oversee');
    const [from, to] = periodOf(req.query);
    const rows = await bottleneckReport(app.caseDeps, req.user!, { stationId: req.query.stationId, from, to });
    if (req.query.format === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(bottleneckSvg(rows, langOf(req)));
    if (req.query.format === 'csv') {
      const csv = bottleneckCsv(rows, langOf(req));
      const name = message(langOf(req), 'DOWNLOAD_BOTTLENECKS', req.query);
      return attachment(reply, name, `bottlenecks-${req.query.from}-${req.query.to}.csv`, toCsv(csv.header, csv.rows));
    }
    return { from: from.toISOString(), to: to.toISOString(), rows };
  });

  app.get('/supervision/queues', {
    schema: { tags: ['supervision'], response: { 200: Queues }, summary: 'Who holds the open cases of your area (station queues and persons), their open and overdue counts, and whether anyone active reads each' },
  }, async (req) => ({ items: await holderQueues(app.caseDeps, req.user!) }));

  app.post<{ Body: { caseIds: string[]; userId: string; reason?: string } }>('/supervision/reassign', {
    schema: { tags: ['supervision'], response: { 200: ActResults }, summary: 'Hand many cases to another holder (转办)', body: { type: 'object', additionalProperties: false, required: ['caseIds', 'userId'], properties: { caseIds, userId: { type: 'string', maxLength: 64 }, reason: { type: 'string', maxLength: 2000 } } } },
  }, async (req) => ({ results: await bulkAct(app.caseDeps, req.user!, req.body.caseIds, 'REASSIGN', { userId: req.body.userId, ...(req.body.reason ? { reason: req.body.reason } : {}) }, languageOf(req.headers['accept-language'])) }));

  app.post<{ Body: { caseIds: string[]; text: string } }>('/supervision/urge', {
    schema: { tags: ['supervision'], response: { 200: ActResults }, summary: 'Urge the holders of many cases (催办)', body: { type: 'object', additionalProperties: false, required: ['caseIds', 'text'], properties: { caseIds, text: { type: 'string', minLength: 1, maxLength: 2000 } } } },
  }, async (req) => ({ results: await bulkAct(app.caseDeps, req.user!, req.body.caseIds, 'URGE', { text: req.body.text }, languageOf(req.headers['accept-language'])) }));

  app.post<{ Body: { caseIds: string[]; reason: string } }>('/supervision/escalate', {
    schema: { tags: ['supervision'], response: { 200: ActResults }, summary: 'Escalate cases to the next level by hand', body: { type: 'object', additionalProperties: false, required: ['caseIds', 'reason'], properties: { caseIds, reason: { type: 'string', minLength: 2, maxLength: 2000 } } } },
  }, async (req) => ({ results: await escalateCases(app.caseDeps, req.user!, req.body.caseIds, req.body.reason, languageOf(req.headers['accept-language'])) }));

  app.get('/me/urges', { schema: { tags: ['supervision'], response: { 200: Urges }, summary: 'Urges (催办) on cases I hold or my station holds, newest first' } }, async (req) => {
    const urges = await urgesFor(app.db, req.user!, 100);
    const items = urges.map((r) => ({
      caseId: r.caseId, caseNo: r.caseNo, workflowId: r.workflowId, state: r.state, text: maskText(r.text),
      at: r.at.toISOString(), by: r.by,
    }));
    return { items };
  });

  app.get<{ Querystring: { from: string; to: string; format: 'json' | 'csv' | 'svg' } }>('/audit/events', {
    schema: { tags: ['audit'], response: { 200: AuditEvents }, summary: 'Every history entry in a period inside your area, for inspectors (json or csv)', querystring: period },
  }, async (req, reply) => {
    authorize(req.user!, 'supervision.oversee');
    const [from, to] = periodOf(req.query);
    const items = (await auditEntries(app.db, req.user!, from, to)).map((e) => ({ ...e, at: e.at.toISOString() }));
    if (req.query.format === 'csv') {
      const name = message(languageOf(req.headers['accept-language']), 'DOWNLOAD_EVENTS', req.query);
      return attachment(reply, name, `events-${req.query.from}-${req.query.to}.csv`, toCsv(
        ['案件编号 case no', '案件ID case id', '事项 item', '序号 seq', '类别 kind', '操作 event', '经办人ID actor id', '经办人 actor', '办理前 from', '办理后 to', '时间 at'],
        items.map((i) => [
          i.caseNo, i.caseId, i.workflowId, i.seq, i.kind, i.type, i.actorId, i.actor, i.from, i.to, i.at,
        ]),
      ));
    }
    return { items };
  });

  app.get<{ Params: { id: string } }>('/persons/:id/history', {
    schema: { tags: ['audit'], response: { 200: PersonHistory }, summary: "A person's full history across all their cases", params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } },
  }, async (req) => {
    const { personId, items } = await personHistory(app.db, req.user!, req.params.id);
    return { personId, items: items.map(({ actorId: _, ...e }) => ({ ...e, at: e.at.toISOString() })) };
  });
}
