import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { disposition } from '../http/download.ts';
import { message } from '../messages/catalogue.ts';
import { languageOf } from '../messages/lang.ts';
import { maskText } from '../http/mask.ts';
import { shanghaiDays } from '../time/shanghai.ts';
import { toCsv } from './csv.ts';
import { bottleneckReport, bottleneckSvg, stationReport } from './reports.service.ts';
import { bulkAct, escalateCases } from './supervision.service.ts';
import { auditEntries, personHistory, urgesFor } from './audit.service.ts';
import { ActResults, AuditEvents, Bottlenecks, PersonHistory, StationReport, Urges } from './supervision.schemas.ts';

const caseIds = { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: { type: 'string', maxLength: 64 }, title: '案件', 'x-title-en': 'Cases' } as const;
const period = {
  type: 'object', additionalProperties: false, required: ['from', 'to'],
  properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, format: { enum: ['json', 'csv', 'svg'], default: 'json' } },
} as const;

function periodOf(q: { from: string; to: string }): [Date, Date] {
  const [from, to] = shanghaiDays(q.from, q.to);
  if (to <= from) throw new AppError('BAD_REQUEST', { errors: [{ path: '/querystring/to', message: '结束日期须不早于开始日期 / "to" must not be before "from"' }] });
  return [from, to];
}

function attachment(reply: FastifyReply, name: string, fallback: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', disposition(name, fallback)).send(body);
}

export default async function supervisionRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { soonDays: number; idleDays: number } }>('/reports/stations', {
    schema: { tags: ['supervision'], response: { 200: StationReport }, summary: 'Open, overdue, due-soon, idle and escalated cases per station (subtree) and per item', querystring: { type: 'object', additionalProperties: false, properties: { soonDays: { type: 'integer', minimum: 1, maximum: 60, default: 3 }, idleDays: { type: 'integer', minimum: 1, maximum: 365, default: 10 } } } },
  }, async (req) => {
    authorize(req.user!, 'supervision.oversee');
    return stationReport(app.caseDeps, req.user!.stationPath, req.query.soonDays, req.query.idleDays);
  });

  app.get<{ Querystring: { from: string; to: string; format: 'json' | 'csv' | 'svg' } }>('/reports/bottlenecks', {
    schema: { tags: ['supervision'], response: { 200: Bottlenecks }, summary: 'Median and 90th-percentile time per item and step, share returned or refused (json, csv or svg)', querystring: period },
  }, async (req, reply) => {
    authorize(req.user!, 'supervision.oversee');
    const [from, to] = periodOf(req.query);
    const rows = await bottleneckReport(app.caseDeps, req.user!.stationPath, from, to);
    if (req.query.format === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(bottleneckSvg(rows));
    if (req.query.format === 'csv') {
      const name = message(languageOf(req.headers['accept-language']), 'DOWNLOAD_BOTTLENECKS', req.query);
      return attachment(reply, name, `bottlenecks-${req.query.from}-${req.query.to}.csv`, toCsv(
        ['事项 item', '环节 step', '进入次数 entries', '中位用时(小时) median h', '90分位用时(小时) p90 h', '退回补正 returned', '不予通过 refused'],
        rows.map((r) => [
          r.workflowId, r.step.zh, r.entries, r.medianHours?.toFixed(1) ?? null, r.p90Hours?.toFixed(1) ?? null,
          r.returned, r.refused,
        ]),
      ));
    }
    return { from: from.toISOString(), to: to.toISOString(), rows };
  });

  app.post<{ Body: { caseIds: string[]; userId: string; reason?: string } }>('/supervision/reassign', {
    schema: { tags: ['supervision'], response: { 200: ActResults }, summary: 'Hand many cases to another holder (转办)', body: { type: 'object', additionalProperties: false, required: ['caseIds', 'userId'], properties: { caseIds, userId: { type: 'string', maxLength: 64 }, reason: { type: 'string', maxLength: 2000 } } } },
  }, async (req) => ({ results: await bulkAct(app.caseDeps, req.user!, req.body.caseIds, 'REASSIGN', { userId: req.body.userId, ...(req.body.reason ? { reason: req.body.reason } : {}) }, languageOf(req.headers['accept-language'])) }));

  app.post<{ Body: { caseIds: string[]; text: string } }>('/supervision/urge', {
    schema: { tags: ['supervision'], response: { 200: ActResults }, summary: 'Urge the holders of many cases (催办)', body: { type: 'object', additionalProperties: false, required: ['caseIds', 'text'], properties: { caseIds, text: { type: 'string', minLength: 1, maxLength: 2000 } } } },
  }, async (req) => ({ results: await bulkAct(app.caseDeps, req.user!, req.body.caseIds, 'URGE', { text: req.body.text }, languageOf(req.headers['accept-language'])) }));

  app.post<{ Body: { caseIds: string[]; reason: string } }>('/supervision/escalate', {
    schema: { tags: ['supervision'], response: { 200: ActResults }, summary: 'Escalate cases to the next level by hand', body: { type: 'object', additionalProperties: false, required: ['caseIds', 'reason'], properties: { caseIds, reason: { type: 'string', minLength: 2, maxLength: 2000 } } } },
  }, async (req) => ({ results: await escalateCases(app.caseDeps, req.user!, req.body.caseIds, req.body.reason) }));

  app.get('/me/urges', { schema: { tags: ['supervision'], response: { 200: Urges }, summary: 'Urges (催办) on cases I hold or my station holds, newest first' } }, async (req) => {
    const urges = await urgesFor(app.db, req.user!, 100);
    const items = urges.map((r) => ({
      caseId: r.caseId, workflowId: r.workflowId, state: r.state, text: maskText(r.text),
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
        ['案件 case', '事项 item', '序号 seq', '类别 kind', '操作 event', '经办人ID actor id', '经办人 actor', '办理前 from', '办理后 to', '时间 at'],
        items.map((i) => [i.caseId, i.workflowId, i.seq, i.kind, i.type, i.actorId, i.actor, i.from, i.to, i.at]),
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
