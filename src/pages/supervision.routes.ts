import type { FastifyInstance } from 'fastify';
import { caseHolders, casesNamed, isCaseCursor, listCases, type DueFilter, type HeldBy } from '../cases/case-list.service.ts';
import { chainItems } from '../chain/chain.service.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import { bottleneckReport, stationReport, worstHours } from '../supervision/reports.service.ts';
import { bulkAct, escalateCases, type BulkOutcome } from '../supervision/supervision.service.ts';
import { holderQueues, type QueueHolder } from '../supervision/queues.service.ts';
import { isoDate } from '../calendar/deadline.ts';
import { shanghaiDays } from '../time/shanghai.ts';
import { stepTitle } from './case-model.ts';
import { label, LEVELS, stationName } from './labels.ts';
import { personNames } from '../persons/person.service.ts';
import { findStation, listStations, stationsIn } from '../stations/station.service.ts';
import { stepTakers } from '../cases/step-takers.service.ts';
import { loc } from './view.ts';
import { pageLang, posted, sendPage } from './web.ts';
import type { Lang } from '../messages/lang.ts';

interface Filters {
  due: DueFilter | 'all';
  /** One holder's cases, all ticked for 转办 (from the queues table): `<stationId>.<level>[.s]` or `u.<userId>`. */
  queue?: string;
  stationId?: string;
  workflowId?: string;
  stepLevel?: 'village' | 'town' | 'district';
  assigneeId?: string;
  minAgeDays?: number;
  soonDays: number;
  idleDays: number;
  cursor?: string;
  from: string;
  to: string;
}

function dateOr(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : fallback;
}

function filtersOf(q: Record<string, unknown>, now: Date): Filters {
  const str = (k: string) => (typeof q[k] === 'string' && q[k] !== '' && (q[k] as string).length <= 100 ? (q[k] as string) : undefined);
  const due = ['overdue', 'soon', 'idle', 'all'].includes(String(q.due)) ? (q.due as Filters['due']) : 'overdue';
  const level = ['village', 'town', 'district'].includes(String(q.stepLevel)) ? (q.stepLevel as Filters['stepLevel']) : undefined;
  const today = isoDate(now);
  return {
    due, queue: str('queue'), stationId: str('stationId'), workflowId: str('workflowId'), stepLevel: level, assigneeId: str('assigneeId'),
    minAgeDays: decimalInteger(q.minAgeDays, 0, 3650), soonDays: decimalInteger(q.soonDays, 1, 60) ?? 3, idleDays: decimalInteger(q.idleDays, 1, 365) ?? 10, cursor: str('cursor'),
    from: dateOr(q.from, isoDate(new Date(now.getTime() - 90 * 86_400_000))), to: dateOr(q.to, today),
  };
}

function queryString(f: Filters, overrides: Record<string, string | undefined> = {}): string {
  const entries = Object.entries({
    due: f.due, queue: f.queue,
    stationId: f.stationId, workflowId: f.workflowId, stepLevel: f.stepLevel, assigneeId: f.assigneeId,
    minAgeDays: f.minAgeDays?.toString(), soonDays: f.soonDays.toString(), idleDays: f.idleDays.toString(),
    from: f.from, to: f.to, ...overrides,
  }).filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  return new URLSearchParams(entries).toString();
}

/** The export link carries the list's filters, as `GET /api/v1/cases` spells them. */
function exportQuery(f: Filters, format: 'csv' | 'xlsx', lang: Lang): string {
  const entries = Object.entries({
    format, lang, status: 'open', due: f.due === 'all' ? undefined : f.due, stationId: f.stationId, workflowId: f.workflowId,
    stepLevel: f.stepLevel, assigneeId: f.assigneeId, minAgeDays: f.minAgeDays?.toString(),
    soonDays: f.soonDays.toString(), idleDays: f.idleDays.toString(),
  }).filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  return new URLSearchParams(entries).toString();
}

const PAGE = 50;

const DUE_TAB = {
  overdue: 'PAGE_DUE_OVERDUE', soon: 'PAGE_DUE_SOON', idle: 'PAGE_DUE_IDLE', all: 'PAGE_DUE_ALL',
} as const satisfies Record<Filters['due'], MessageKey>;
/** The result page names the act done. */
const BULK_DONE: Record<string, MessageKey> = {
  REASSIGN: 'PAGE_BULK_DONE_REASSIGN', URGE: 'PAGE_BULK_DONE_URGE', ESCALATE: 'PAGE_BULK_DONE_ESCALATE', COMMENT: 'PAGE_BULK_DONE_COMMENT',
};

/** The dashboard's `queue` parameter of a holder (the queues table links to its cases). */
function queueKey(h: QueueHolder): string {
  return h.kind === 'person' ? `u.${h.userId}` : `${h.stationId}.${h.level}${h.supervisors ? '.s' : ''}`;
}

/** Who a queue is, in words: the station (its supervisors, after escalation past the top) or the person. */
function holderName(h: QueueHolder, lang: Lang): string {
  if (h.kind === 'person') return h.name;
  const station = loc(lang, h.stationName);
  return h.supervisors ? message(lang, 'QUEUE_SUPERVISORS_OF', { station }) : station;
}

/** The holder a `queue` parameter names, or none when it names no station. */
async function heldByKey(
  key: string, stationById: (id: string) => Promise<{ path: string } | undefined>,
): Promise<HeldBy | undefined> {
  if (key.startsWith('u.')) return { userId: key.slice(2) };
  const [stationId, level, s] = key.split('.');
  const station = stationId ? await stationById(stationId) : undefined;
  if (!station || (level !== 'village' && level !== 'town' && level !== 'district')) return undefined;
  return { queue: { stationPath: station.path, level, supervisors: s === 's' } };
}

/** The supervisor's dashboard: what is overdue, where cases pile up, who holds them; and the acts on them. */
export default async function supervisionPages(app: FastifyInstance): Promise<void> {
  app.get('/supervision', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    authorize(user, 'supervision.oversee');
    const now = app.clock.now();
    const f = filtersOf(req.query as Record<string, unknown>, now);
    // A bad cursor starts from the top.
    const cursor = f.cursor && isCaseCursor(f.cursor) ? f.cursor : undefined;
    const heldBy = f.queue ? await heldByKey(f.queue, (id) => findStation(app.db, id)) : undefined;
    const list = await listCases(app.caseDeps, user, {
      heldBy, stationId: f.stationId, due: f.due === 'all' ? undefined : f.due, status: 'open', workflowId: f.workflowId, stepLevel: f.stepLevel,
      assigneeId: f.assigneeId, soonDays: f.soonDays, idleDays: f.idleDays, minAgeDays: f.minAgeDays,
      cursor, limit: PAGE,
    });
    // Every station by name: a case of the area may wait at a station above it (a town's case at the district).
    const allStations = await listStations(app.db);
    const stations = stationsIn(allStations, user.stationPath);
    const stationNames = new Map(allStations.map((s) => [s.id, stationName(s, lang)]));
    // The list's cases are open cases of the area, so their assignees are among these.
    const holders = await caseHolders(app.caseDeps, user);
    const takers = await stepTakers(app.db, { area: user.stationPath });
    const items = await chainItems(app.registry, app.db, now);
    const userName = new Map(holders.map((u) => [u.id, u.name]));
    const itemTitle = new Map(items.map((i) => [i.workflowId, loc(lang, i.title)]));
    const persons = await personNames(app.db, list.items.map((r) => r.personId));
    const cases = [];
    for (const c of list.items) {
      cases.push({
        ...c, item: itemTitle.get(c.workflowId) ?? c.workflowId, person: persons.get(c.personId) ?? '', step: await stepTitle(app, c.workflowId, c.workflowVersion, c.state, lang),
        holder: c.holderStationId ? stationNames.get(c.holderStationId) ?? '' : '', levelText: label(LEVELS, c.stepLevel, lang),
        assignee: c.assigneeId ? userName.get(c.assigneeId) ?? '' : null,
        escalatedText: c.escalatedTo ? label(LEVELS, c.escalatedTo, lang) : null,
      });
    }

    // The page links each queue to its filtered list: it needs no ids (1.2 MB of them at 100,000 cases).
    const queues = (await holderQueues(app.caseDeps, user, { caseIds: false })).map((q) => ({
      ...q, name: holderName(q.holder, lang),
      level: q.holder.kind === 'queue' ? label(LEVELS, q.holder.level, lang) : null,
      routeHref: `/supervision?${queryString({ ...f, cursor: undefined }, { due: 'all', queue: queueKey(q.holder) })}#bulk`,
    }));
    // The tables, chart and CSV cover the station chosen in the filter, like the list.
    const report = await stationReport(app.caseDeps, user, {
      stationId: f.stationId, soonDays: f.soonDays, idleDays: f.idleDays,
    });
    const [from, to] = shanghaiDays(f.from, f.to);
    const bottlenecks = to > from ? (await bottleneckReport(app.caseDeps, user, { stationId: f.stationId, from, to }))
      .filter((r) => worstHours(r) > 0).sort((a, b) => worstHours(b) - worstHours(a)).slice(0, 10)
      .map((r) => ({
        ...r,
        title: `${loc(lang, r.item)} · ${loc(lang, r.step)}`,
        median: r.medianHours?.toFixed(1) ?? '—',
        p90: r.p90Hours?.toFixed(1) ?? '—',
        openMedian: r.openMedianHours?.toFixed(1) ?? '—',
        openP90: r.openP90Hours?.toFixed(1) ?? '—',
        returnedPct: Math.round(r.returnedShare * 100),
        refusedPct: Math.round(r.refusedShare * 100),
      })) : [];
    const dueTabs = (['overdue', 'soon', 'idle', 'all'] as const).map((d) => ({
      id: d, current: f.due === d, href: `/supervision?${queryString({ ...f, cursor: undefined }, { due: d })}`,
      label: message(lang, DUE_TAB[d]),
    }));
    const reportQuery = new URLSearchParams({
      from: f.from, to: f.to, ...(f.stationId ? { stationId: f.stationId } : {}), lang,
    }).toString();
    return sendPage(req, reply, 'supervision', message(lang, 'PAGE_SUPERVISION_TITLE'), {
      f, dueTabs, cases, nextCursor: list.nextCursor && `/supervision?${queryString(f, { cursor: list.nextCursor })}`,
      stations: stations.map((s) => ({ id: s.id, name: stationName(s, lang), depth: s.path.split('.').length - 1, selected: s.id === f.stationId })),
      holders: holders.map((u) => ({ ...u, selected: u.id === f.assigneeId })),
      takers,
      items: items.map((i) => ({
        id: i.workflowId, title: loc(lang, i.title), selected: i.workflowId === f.workflowId,
      })),
      levels: (['village', 'town', 'district'] as const).map((l) => ({ id: l, name: label(LEVELS, l, lang), selected: l === f.stepLevel })),
      byStation: report.byStation.map((s) => ({ ...s, nameText: loc(lang, s.name), depth: (stations.find((x) => x.id === s.stationId)?.path.split('.').length ?? 1) - 1, href: `/supervision?${queryString({ ...f, cursor: undefined }, { stationId: s.stationId })}` })),
      byItem: report.byItem.map((i) => ({ ...i, title: itemTitle.get(i.workflowId) ?? i.workflowId, href: `/supervision?${queryString({ ...f, cursor: undefined }, { workflowId: i.workflowId })}` })),
      bottlenecks,
      chartSrc: `/api/v1/reports/bottlenecks?${reportQuery}&format=svg`,
      csvHref: `/api/v1/reports/bottlenecks?${reportQuery}&format=csv`,
      exportCsv: `/api/v1/cases/export?${exportQuery(f, 'csv', lang)}`,
      exportXlsx: `/api/v1/cases/export?${exportQuery(f, 'xlsx', lang)}`,
      back: queryString(f), queues, tickAll: heldBy !== undefined && list.items.length > 0,
    });
  });

  /** Reassign, urge, escalate or comment on the cases ticked in the list; each case answers for itself. */
  app.post('/supervision/act', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    authorize(user, 'supervision.oversee');
    const form = posted(req);
    const back = (form.first('back') ?? '').replace(/[^A-Za-z0-9=&%._~-]/g, '');
    const caseIds = [...new Set(form.get('caseId'))].slice(0, 500);
    const action = form.first('action');
    const text = (form.first('text') ?? '').trim();
    const userId = form.first('userId') ?? '';
    const act = action === 'reassign' ? 'REASSIGN' : action === 'urge' ? 'URGE' : action === 'escalate' ? 'ESCALATE' : action === 'comment' ? 'COMMENT' : '';
    let error: string | undefined;
    if (!act) error = message(lang, 'PAGE_BULK_NO_ACTION');
    else if (!caseIds.length) error = message(lang, 'PAGE_BULK_NO_CASES');
    else if (act === 'REASSIGN' && !userId) error = message(lang, 'PAGE_BULK_NO_ASSIGNEE');
    else if ((act === 'URGE' || act === 'COMMENT') && !text) error = message(lang, 'PAGE_BULK_NO_TEXT');
    else if (act === 'ESCALATE' && text.length < 2) error = message(lang, 'PAGE_BULK_NO_REASON');
    let results: BulkOutcome[] = [];
    if (!error) {
      if (act === 'REASSIGN') results = await bulkAct(app.caseDeps, user, caseIds, 'REASSIGN', { userId, ...(text ? { reason: text } : {}) }, lang);
      else if (act === 'URGE') results = await bulkAct(app.caseDeps, user, caseIds, 'URGE', { text }, lang);
      else if (act === 'ESCALATE') results = await escalateCases(app.caseDeps, user, caseIds, text, lang);
      else results = await bulkAct(app.caseDeps, user, caseIds, 'COMMENT', { text }, lang);
    }
    // Each case by its number, the person and the item (a case outside the area stays unnamed).
    const named = new Map((await casesNamed(app.caseDeps, user, results.map((r) => r.caseId))).map((c) => [c.id, c]));
    const inForce = await chainItems(app.registry, app.db, app.clock.now());
    const items = new Map(inForce.map((i) => [i.workflowId, loc(lang, i.title)]));
    const persons = await personNames(app.db, [...named.values()].map((c) => c.personId));
    const nameOf = (caseId: string) => {
      const c = named.get(caseId);
      return c ? { name: `${c.caseNo} ${persons.get(c.personId) ?? ''} · ${items.get(c.workflowId) ?? ''}`, href: `/cases/${caseId}` } : { name: caseId, href: null };
    };
    const done = results.filter((r) => r.ok).map((r) => nameOf(r.caseId));
    const failed = results.filter((r): r is Extract<BulkOutcome, { ok: false }> => !r.ok)
      .map((r) => ({ ...nameOf(r.caseId), reason: r.message }));
    return sendPage(req, reply, 'supervision-result', message(lang, 'REPORT_BATCH_TITLE'), {
      act: act ? message(lang, BULK_DONE[act]!) : '', error, done, failed, back: `/supervision${back ? `?${back}` : ''}`,
    }, error ? 422 : 200);
  });
}
