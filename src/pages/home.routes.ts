import type { FastifyInstance } from 'fastify';
import { caseSummary } from '../cases/case-list.ts';
import { findCaseByNumber } from '../cases/case-list.service.ts';
import type { Lang } from '../messages/lang.ts';
import { maskIdNumber, maskText } from '../http/mask.ts';
import { copiedToMe, myQueue, recentPersons } from '../cases/case-queue.service.ts';
import { urgesFor } from '../supervision/audit.service.ts';
import { itemTitles } from '../chain/chain.service.ts';
import { searchPersons, type Person } from '../persons/person.service.ts';
import { findStation } from '../stations/station.service.ts';
import { label, LEVELS, SEX, stationName } from './labels.ts';
import { myDrafts } from '../drafts/draft.service.ts';
import { message } from '../messages/catalogue.ts';
import { loc } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';
import { stepTitle } from './case-model.ts';

function personRow(p: Person, lang: Lang) {
  return {
    id: p.id, name: p.name, idMasked: maskIdNumber(p.idNumber), sex: label(SEX, p.sex, lang), birthDate: p.birthDate,
  };
}

/** The clerk's home: urges, my open cases (due soon first), drafts, copies, recent persons, search. */
export default async function homePages(app: FastifyInstance): Promise<void> {
  app.get('/', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const now = app.clock.now();
    const titles = await itemTitles(app.registry, app.db, now);
    const title = (id: string) => loc(lang, titles.get(id)) || id;
    const queue = await myQueue(app.db, user, 50);
    const cases = [];
    for (const c of queue) {
      const s = caseSummary(c, now);
      cases.push({
        ...s,
        personName: c.personName,
        item: title(c.workflowId),
        step: await stepTitle(app, c.workflowId, c.workflowVersion, c.state, lang),
        dueSoon: !s.overdue && c.dueAt !== null && c.dueAt.getTime() - now.getTime() < 3 * 86_400_000,
        assignedToMe: c.assigneeId === user.id,
      });
    }
    // Free text is shown masked, as in the case's history.
    const urges = (await urgesFor(app.db, user, 20))
      .map((u) => ({ ...u, text: maskText(u.text), item: title(u.workflowId) }));
    const copies = (await copiedToMe(app.db, user))
      .map((u) => ({ ...u, note: u.note && maskText(u.note), item: title(u.workflowId) }));
    const drafts = [];
    for (const d of await myDrafts(app.db, user, 10)) {
      const at = (state: string) => stepTitle(app, d.workflowId, d.workflowVersion, state, lang);
      const step = await at(d.draftState ?? d.state);
      const now = await at(d.state);
      drafts.push({
        href: `/cases/${d.caseId}/act/${encodeURIComponent(d.eventType)}`, person: personRow(d.person, lang), item: title(d.workflowId),
        step, movedOn: now !== step ? message(lang, 'EDIT_NOW_AT', { step: now }) : undefined, updatedAt: d.updatedAt,
      });
    }
    const recent = (await recentPersons(app.db, user)).map((p) => personRow(p, lang));
    const station = await findStation(app.db, user.stationId);
    return sendPage(req, reply, 'home', message(lang, 'PAGE_HOME_TITLE'), {
      station: station && stationName(station, lang), level: label(LEVELS, user.stationLevel, lang),
      cases, urges, copies, drafts, recent,
    });
  });

  app.post('/search', async (req, reply) => {
    const lang = pageLang(req);
    const q = (posted(req).first('q') ?? '').trim().slice(0, 50);
    const user = req.user!;
    let results: Person[] = [];
    let error: string | undefined;
    const id = q.replace(/\s/g, '').toUpperCase();
    // A case number (退报-2026-00123) opens its case; clerks read it off a notice or hear it on the phone.
    const byNumber = q ? await findCaseByNumber(app.caseDeps, user, q) : undefined;
    if (byNumber?.id) return see(reply, `/cases/${byNumber.id}`);
    if (byNumber) {
      return sendPage(req, reply, 'search', message(lang, 'PAGE_SEARCH_TITLE'), {
        q, searched: false, error: message(lang, 'CASE_NO_NOT_FOUND', { caseNo: byNumber.caseNo }), results: [],
        newPersonHref: '/persons/new',
      }, 404);
    }
    if (!q) error = message(lang, 'PAGE_SEARCH_EMPTY');
    else if (/^\d{17}[\dX]$/.test(id)) results = await searchPersons(app.db, { idNumber: id }, user.stationPath, 50);
    else if (/^\d/.test(q)) error = message(lang, 'PAGE_SEARCH_ID_INCOMPLETE');
    else results = await searchPersons(app.db, { name: q }, user.stationPath, 50);
    return sendPage(req, reply, 'search', message(lang, 'PAGE_SEARCH_TITLE'), {
      // The ID number typed is never echoed back into the page or a URL.
      q: /^\d/.test(q) ? '' : q, searched: Boolean(q), error, results: results.map((p) => personRow(p, lang)),
      newPersonHref: /^\d/.test(q) || !q ? '/persons/new' : `/persons/new?name=${encodeURIComponent(q)}`,
    }, error ? 422 : 200);
  });
}
