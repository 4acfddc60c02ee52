import type { FastifyInstance } from 'fastify';
import { isCaseCursor, listCases, type CaseListFilters } from '../cases/case-list.service.ts';
import { chainItems } from '../chain/chain.service.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { message } from '../messages/catalogue.ts';
import { personNames } from '../persons/person.service.ts';
import { stepTitle } from './case-model.ts';
import { loc } from './view.ts';
import { pageLang, sendPage } from './web.ts';

const PAGE = 50;

interface Filters {
  workflowId?: string;
  state?: string;
  due: 'all' | 'overdue' | 'soon';
  soonDays: number;
  cursor?: string;
}

function filtersOf(q: Record<string, unknown>): Filters {
  const str = (k: string) => (typeof q[k] === 'string' && q[k] !== '' && (q[k] as string).length <= 100 ? (q[k] as string) : undefined);
  const due = q.due === 'overdue' || q.due === 'soon' ? q.due : 'all';
  const cursor = str('cursor');
  return {
    workflowId: str('workflowId'), state: str('workflowId') && str('state'), due,
    soonDays: decimalInteger(q.soonDays, 1, 60) ?? 5,
    // A bad cursor starts from the top.
    cursor: cursor && isCaseCursor(cursor) ? cursor : undefined,
  };
}

function queryString(f: Filters, cursor?: string): string {
  const params = { workflowId: f.workflowId, state: f.state, due: f.due, soonDays: String(f.soonDays), cursor };
  const entries = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  return new URLSearchParams(entries).toString();
}

/**
 * The clerks' case list: the open cases waiting in their station's queue and those handed to or
 * claimed by them, nearest due date first, by item, step and due date; the same list service as
 * `GET /api/v1/cases` and the supervisor's dashboard.
 */
export default async function caseListPages(app: FastifyInstance): Promise<void> {
  app.get('/cases', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const now = app.clock.now();
    const f = filtersOf(req.query as Record<string, unknown>);
    const query: CaseListFilters = {
      status: 'open', workflowId: f.workflowId, state: f.state, due: f.due === 'all' ? undefined : f.due, soonDays: f.soonDays,
      idleDays: 10, sort: 'due', cursor: f.cursor, limit: PAGE,
      heldBy: {
        userId: user.id, queue: { stationPath: user.stationPath, level: user.stationLevel, supervisors: false },
      },
    };
    const list = await listCases(app.caseDeps, user, query);
    const items = await chainItems(app.registry, app.db, now);
    const title = new Map(items.map((i) => [i.workflowId, loc(lang, i.title)]));
    const persons = await personNames(app.db, list.items.map((c) => c.personId));
    const cases = [];
    for (const c of list.items) {
      cases.push({
        ...c, person: persons.get(c.personId) ?? '', item: title.get(c.workflowId) ?? c.workflowId,
        step: await stepTitle(app, c.workflowId, c.workflowVersion, c.state, lang), mine: c.assigneeId === user.id,
      });
    }
    const chosen = f.workflowId ? await app.registry.inForce(app.db, f.workflowId, now) : undefined;
    const steps = chosen ? Object.entries(chosen.definition.machine.states)
      .filter(([, s]) => s.type !== 'final' && s.meta.level)
      .map(([id, s]) => ({ id, title: loc(lang, s.meta.step), selected: id === f.state })) : [];
    return sendPage(req, reply, 'cases', message(lang, 'QUEUE_LIST_TITLE'), {
      f, cases, steps,
      items: items.map((i) => ({
        id: i.workflowId, title: loc(lang, i.title), selected: i.workflowId === f.workflowId,
      })),
      dues: (['all', 'overdue', 'soon'] as const).map((d) => ({ id: d, selected: d === f.due })),
      soonText: message(lang, 'QUEUE_DUE_WITHIN', { n: f.soonDays }),
      nextHref: list.nextCursor && `/cases?${queryString(f, list.nextCursor)}`,
    });
  });
}
