import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { errorMessages } from '../src/messages/error.messages.ts';
import { listAttachments } from '../src/attachments/attachment.repository.ts';
import { findDraft, saveDraft } from '../src/drafts/draft.service.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { findPerson, insertRelation, listRelations } from '../src/persons/person.repository.ts';
import { batchOfTarget, routesDoing, rowsOf, rulesWithoutRow, usersOf, type RuleOfRow } from './helpers/access-rules.ts';
import { freshRoster, freshVeteran, ROLES, uploaderOf, USERNAME, villageOf, type Maker, type Role, type Target } from './helpers/access.ts';
import { build, OWN_ORIGIN } from './helpers/build.ts';
import { requestPublication } from './helpers/publish.ts';
import { PageClient } from './helpers/pages.ts';
import { loadSamples } from './helpers/paths.ts';
import { conscriptRows, csvBytes, ROSTER_HEADERS } from './helpers/rosters.ts';
import { pageRoutes } from './helpers/routes.ts';

/*
 * Every page route (src/pages/) × every role × inside / outside the role's jurisdiction, with the
 * expected outcome written down here as data: decided from what each role is for, not read from
 * the code under test. The JSON API has its own matrix (access-matrix.test.ts); roles and targets
 * are the same: @Q is a record of 桥头村 qiaotou (东城镇), @S one of 山下村 shanxia (西山镇); the
 * village clerk, the town clerk and the town supervisor have @Q inside and @S outside, the xishan
 * clerk the other way round, district staff both.
 *
 * Every request is a browser's (PageClient: logged in through the login page, the CSRF token of
 * the last page on every form post); the anonymous one has a CSRF cookie and token too, so what
 * stops it is the missing session.
 *
 * Outcomes: a status code; `login` = 303 to /login?next=… (no session); a 303 elsewhere is 303 only
 * when it goes where that route's success goes (else the outcome names the place); `seen`/`unseen`
 * = the target is / is not in the page's results; `ok`/`nf` = a supervisor's act on the ticked case
 * was done / found no such case; `in <village>` = a person registered, but in that village rather
 * than the one asked for.
 */
type Outcome = number | string;

// prettier-ignore
const MATRIX: Record<string, Outcome[]> = {
  // One column per role, in ROLES order: anon, village, town, district, townSup, sup, policy, admin, xishan.
  // Logging in is open to anyone (a wrong password gets the form again, 401); the rest needs a session.
  'GET /login':                                       [200,      200,      200,      200,      200,      200,      200,      200,      200],
  'POST /login':                                      [401,      303,      303,      303,      303,      303,      303,      303,      303],
  'POST /logout':                                     ['login',  303,      303,      303,      303,      303,      303,      303,      303],
  'POST /session/extend':                             ['login',  303,      303,      303,      303,      303,      303,      303,      303],
  // Counter mode only changes how the pages look to whoever turns it on.
  'POST /counter':                                    ['login',  303,      303,      303,      303,      303,      303,      303,      303],
  // Everyone changes their own password (the test puts the old one back afterwards).
  'GET /password':                                    ['login',  200,      200,      200,      200,      200,      200,      200,      200],
  'POST /password':                                   ['login',  303,      303,      303,      303,      303,      303,      303,      303],
  // Home and the search: every member of staff, over their own area.
  'GET /':                                            ['login',  200,      200,      200,      200,      200,      200,      200,      200],
  // The case list of my station's queue and what I hold: every member of staff, over their own area.
  'GET /cases':                                       ['login',  200,      200,      200,      200,      200,      200,      200,      200],
  'POST /search @Q':                                  ['login',  'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'unseen'],
  'POST /search @S':                                  ['login',  'unseen', 'unseen', 'seen',   'unseen', 'seen',   'seen',   'seen',   'seen'],
  // Registering persons is clerks' work, in villages of their own area. A village clerk's form names no
  // village (they have one), so a village posted from elsewhere cannot move the person out of it.
  'GET /persons/new':                                 ['login',  200,      200,      200,      403,      403,      403,      403,      200],
  'POST /persons/new @Q':                             ['login',  303,      303,      303,      403,      403,      403,      403,      'in shanxia'],
  'POST /persons/new @S':                             ['login',  'in qiaotou', 422,    303,      403,      403,      403,      403,      303],
  // Family members are named by ID number and must have a file in the clerk's area: one outside is "not registered".
  'POST /persons/new relative @Q':                    ['login',  303,      303,      303,      403,      403,      403,      403,      422],
  'POST /persons/new relative @S':                    ['login',  422,      422,      303,      403,      403,      403,      403,      303],
  // The person file: everyone with the area; outside it the person does not exist.
  'GET /persons/:id @Q':                              ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /persons/:id @S':                              ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  'GET /persons/:id?reveal=1 @Q':                     ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /persons/:id?reveal=1 @S':                     ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  // A family spread over both towns (@Q's spouse lives in @S and the other way round): the file names the
  // relative only to whoever has the relative's area too, since to anyone else that person does not exist.
  'GET /persons/:id family @Q':                       ['login',  200,      200,      'named',  200,      'named',  'named',  'named',  404],
  'GET /persons/:id family @S':                       ['login',  404,      404,      'named',  404,      'named',  'named',  'named',  200],
  // Starting an item is for clerks; outside the area the person is not found before the role is asked about.
  // Correcting particulars: clerks of the person's area, as through the API.
  'POST /persons/:id/corrections @Q':                 ['login',  303,      303,      303,      403,      403,      403,      403,      404],
  'POST /persons/:id/corrections @S':                 ['login',  404,      404,      303,      403,      403,      403,      403,      303],
  'POST /persons/:id/cases @Q':                       ['login',  303,      303,      303,      403,      403,      403,      403,      404],
  'POST /persons/:id/cases @S':                       ['login',  404,      404,      303,      404,      403,      403,      403,      303],
  // Cases: seen by everyone with the area. The target is at a village step (光荣牌 householdCheck): only
  // the clerk of the person's village may take it. Whoever may not is turned away with nothing written, though
  // not with 403: the pages answer as for a form left open while the case moved on (a stale tab is the usual
  // way to get there): a step's form or check page sends them back to the case page (303 there), a posted step
  // gets the case page saying "no longer at this step, or you may not do this" (409).
  'GET /cases/:id @Q':                                ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /cases/:id @S':                                ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  'GET /cases/:id/receipt @Q':                        ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /cases/:id/receipt @S':                        ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  'GET /cases/:id/act/:type @Q':                      ['login',  200,      303,      303,      303,      303,      303,      303,      404],
  'GET /cases/:id/act/:type @S':                      ['login',  404,      404,      303,      404,      303,      303,      303,      200],
  'GET /cases/:id/act/:type/check @Q':                ['login',  200,      303,      303,      303,      303,      303,      303,      404],
  'GET /cases/:id/act/:type/check @S':                ['login',  404,      404,      303,      404,      303,      303,      303,      200],
  'POST /cases/:id/act/:type @Q':                     ['login',  303,      409,      409,      409,      409,      409,      409,      404],
  'POST /cases/:id/act/:type @S':                     ['login',  404,      404,      409,      404,      409,      409,      409,      303],
  'POST /cases/:id/act/:type/check @Q':               ['login',  303,      409,      409,      409,      409,      409,      409,      404],
  'POST /cases/:id/act/:type/check @S':               ['login',  404,      404,      409,      404,      409,      409,      409,      303],
  // A long form's sections (ADR 0021) are that step's pages: the same people, the same answers.
  'GET /cases/:id/act/:type/section/:n @Q':           ['login',  200,      303,      303,      303,      303,      303,      303,      404],
  'GET /cases/:id/act/:type/section/:n @S':           ['login',  404,      404,      303,      404,      303,      303,      303,      200],
  'POST /cases/:id/act/:type/section/:n @Q':          ['login',  303,      409,      409,      409,      409,      409,      409,      404],
  'POST /cases/:id/act/:type/section/:n @S':          ['login',  404,      404,      409,      404,      409,      409,      409,      303],
  'POST /cases/:id/act/:type/sections @Q':            ['login',  303,      409,      409,      409,      409,      409,      409,      404],
  'POST /cases/:id/act/:type/sections @S':            ['login',  404,      404,      409,      404,      409,      409,      409,      303],
  // Administrative acts, as in the API: comments from all staff, urging from supervisors, handing over
  // and copying not by policy staff. Refused, an act comes back as the case page with 无权执行此操作 beside
  // the act's form and what was typed kept: 422 like every refused act there, not 403; nothing is recorded.
  'POST /cases/:id/acts COMMENT @Q':                  ['login',  303,      303,      303,      303,      303,      303,      303,      404],
  'POST /cases/:id/acts COMMENT @S':                  ['login',  404,      404,      303,      404,      303,      303,      303,      303],
  'POST /cases/:id/acts URGE @Q':                     ['login',  422,      422,      422,      303,      303,      422,      303,      404],
  'POST /cases/:id/acts URGE @S':                     ['login',  404,      404,      422,      404,      303,      422,      303,      422],
  'POST /cases/:id/acts REASSIGN @Q':                 ['login',  303,      303,      303,      303,      303,      422,      303,      404],
  'POST /cases/:id/acts REASSIGN @S':                 ['login',  404,      404,      303,      404,      303,      422,      303,      303],
  'POST /cases/:id/acts COPY_TO @Q':                  ['login',  303,      303,      303,      303,      303,      422,      303,      404],
  'POST /cases/:id/acts COPY_TO @S':                  ['login',  404,      404,      303,      404,      303,      422,      303,      303],
  // 撤回: only whoever sent the step (the target's village clerk) takes it back.
  'POST /cases/:id/acts RECALL @Q':                   ['login',  303,      409,      409,      409,      409,      409,      409,      404],
  'POST /cases/:id/acts RECALL @S':                   ['login',  404,      404,      409,      404,      409,      409,      409,      303],
  // Scans of a case's papers: filed by clerks (and the administrator, who stands in for them); supervisors
  // and policy staff only look. Served to everyone with the area, never outside it.
  'POST /cases/:id/attachments @Q':                   ['login',  303,      303,      303,      403,      403,      403,      303,      404],
  'POST /cases/:id/attachments @S':                   ['login',  404,      404,      303,      404,      403,      403,      303,      303],
  'GET /attachments/:id @Q':                          ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /attachments/:id @S':                          ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  'GET /attachments/:id/thumb @Q':                    ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /attachments/:id/thumb @S':                    ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  // Supervision: the dashboard and its acts for supervisors and the administrator, over their area.
  'GET /supervision':                                 ['login',  403,      403,      403,      200,      200,      403,      200,      403],
  // The dashboard narrowed to the target's village: a station outside the area does not exist.
  'GET /supervision?stationId= @Q':                   ['login',  403,      403,      403,      200,      200,      403,      200,      403],
  'GET /supervision?stationId= @S':                   ['login',  403,      403,      403,      404,      200,      403,      200,      403],
  'POST /supervision/act urge @Q':                    ['login',  403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /supervision/act urge @S':                    ['login',  403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  'POST /supervision/act reassign @Q':                ['login',  403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /supervision/act reassign @S':                ['login',  403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  'POST /supervision/act escalate @Q':                ['login',  403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /supervision/act escalate @S':                ['login',  403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  'POST /supervision/act comment @Q':                 ['login',  403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /supervision/act comment @S':                 ['login',  403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  // Definitions are read by all staff (read-only but for policy staff and the administrator, who alone
  // save drafts and publish). The GET twins of the posts only lead back to the editor.
  'GET /policy':                                      ['login',  200,      200,      200,      200,      200,      200,      200,      200],
  'GET /policy/workflows/:id':                        ['login',  200,      200,      200,      200,      200,      200,      200,      200],
  'GET /policy/workflows/:id/drafts':                 ['login',  303,      303,      303,      303,      303,      303,      303,      303],
  'GET /policy/workflows/:id/versions/:version/publish': ['login', 303,    303,      303,      303,      303,      303,      303,      303],
  'GET /policy/workflows/:id/versions/:version/publish/approve': ['login', 303, 303,  303,      303,      303,      303,      303,      303],
  'GET /policy/workflows/:id/versions/:version/publish/withdraw': ['login', 303, 303, 303,      303,      303,      303,      303,      303],
  'GET /policy/workflows/:id/versions/:version/discard': ['login', 303,    303,      303,      303,      303,      303,      303,      303],
  'GET /policy/workflows/:id/migrations':             ['login',  303,      303,      303,      303,      303,      303,      303,      303],
  'POST /policy/workflows/:id/drafts':                ['login',  403,      403,      403,      403,      403,      303,      303,      403],
  // Publishing takes two editors (ADR 0033): one requests, another approves what was requested.
  'POST /policy/workflows/:id/versions/:version/publish': ['login', 403,   403,      403,      403,      403,      303,      303,      403],
  'POST /policy/workflows/:id/versions/:version/publish/approve': ['login', 403, 403, 403,      403,      403,      303,      303,      403],
  'POST /policy/workflows/:id/versions/:version/publish/withdraw': ['login', 403, 403, 403,     403,      403,      303,      303,      403],
  'POST /policy/workflows/:id/versions/:version/discard': ['login', 403,   403,      403,      403,      403,      303,      303,      403],
  // The dry run of moving running cases lists every open case of the item: editors only.
  'POST /policy/workflows/:id/migrations':            ['login',  403,      403,      403,      403,      403,      200,      200,      403],
  // Rosters: the import page and uploading and committing for clerks; a roster is seen within the uploader's
  // station subtree (@Q by the qiaotou clerk, @S by the xishan clerk); a decision on its cases by whoever may
  // run batch actions (not the administrator); a batch's notices by whoever ran it and supervisors above.
  'GET /rosters':                                     ['login',  200,      200,      200,      403,      403,      403,      403,      200],
  'POST /rosters':                                    ['login',  303,      303,      303,      403,      403,      403,      403,      303],
  'GET /rosters/:id @Q':                              ['login',  200,      200,      200,      200,      200,      200,      200,      404],
  'GET /rosters/:id @S':                              ['login',  404,      404,      200,      404,      200,      200,      200,      200],
  'POST /rosters/:id/commit @Q':                      ['login',  303,      303,      303,      403,      403,      403,      403,      404],
  'POST /rosters/:id/commit @S':                      ['login',  404,      404,      303,      404,      403,      403,      403,      303],
  'POST /rosters/:id/batch @Q':                       ['login',  303,      303,      303,      303,      303,      303,      403,      404],
  'POST /rosters/:id/batch @S':                       ['login',  404,      404,      303,      404,      303,      303,      403,      303],
  'GET /rosters/:id/batches/:batchId/notices.pdf @Q': ['login',  200,      404,      404,      200,      200,      404,      200,      404],
  'GET /rosters/:id/batches/:batchId/notices.pdf @S': ['login',  404,      404,      404,      404,      200,      404,      200,      200],
  // Users and stations: the administrator only.
  'GET /admin':                                       ['login',  403,      403,      403,      403,      403,      403,      200,      403],
  'GET /admin/users':                                 ['login',  403,      403,      403,      403,      403,      403,      303,      403],
  'GET /admin/stations':                              ['login',  403,      403,      403,      403,      403,      403,      303,      403],
  'GET /admin/users/:id/status':                      ['login',  403,      403,      403,      403,      403,      403,      303,      403],
  'POST /admin/users':                                ['login',  403,      403,      403,      403,      403,      403,      303,      403],
  'POST /admin/stations':                             ['login',  403,      403,      403,      403,      403,      403,      303,      403],
  'POST /admin/users/:id/status':                     ['login',  403,      403,      403,      403,      403,      403,      303,      403],
};

/*
 * The action each page route performs (src/jurisdiction/access-rules.ts): wherever the rules table refuses
 * it to a role, the matrix's cell must be the rule's refusal (on the case page an act refused is its form
 * again, 422), and the request is expected to get it.
 */
const RULE_OF: Record<string, RuleOfRow> = {
  ...routesDoing({
    'person.register': ['GET /persons/new', 'POST /persons/new', 'POST /persons/new relative'],
    'person.correct': ['POST /persons/:id/corrections'],
    'supervision.oversee': [
      'GET /supervision',
      'GET /supervision?stationId=',
      'POST /supervision/act urge',
      'POST /supervision/act reassign',
      'POST /supervision/act escalate',
      'POST /supervision/act comment',
    ],
    'policy.edit': [
      'POST /policy/workflows/:id/drafts', 'POST /policy/workflows/:id/versions/:version/publish',
      'POST /policy/workflows/:id/versions/:version/publish/approve', 'POST /policy/workflows/:id/versions/:version/publish/withdraw',
      'POST /policy/workflows/:id/versions/:version/discard', 'POST /policy/workflows/:id/migrations',
    ],
    'roster.import': ['GET /rosters', 'POST /rosters'],
    'admin.manage': [
      'GET /admin',
      'GET /admin/users',
      'GET /admin/stations',
      'GET /admin/users/:id/status',
      'POST /admin/users',
      'POST /admin/stations',
      'POST /admin/users/:id/status',
    ],
  }),
  'POST /persons/:id/cases': { action: 'case.open', areaFirst: true },
  'POST /cases/:id/acts COMMENT': { action: 'case.comment', areaFirst: true, refused: 422 },
  'POST /cases/:id/acts URGE': { action: 'case.urge', areaFirst: true, refused: 422 },
  'POST /cases/:id/acts REASSIGN': { action: 'case.reassign', areaFirst: true, refused: 422 },
  'POST /cases/:id/acts COPY_TO': { action: 'case.copy', areaFirst: true, refused: 422 },
  'POST /cases/:id/attachments': { action: 'attachment.upload', areaFirst: true },
  'POST /rosters/:id/commit': { action: 'roster.import', areaFirst: true },
  'POST /rosters/:id/batch': { action: 'batch.run', areaFirst: true },
  'GET /rosters/:id/batches/:batchId/notices.pdf': { action: 'batch.view', resource: batchOfTarget },
};

interface Ctx extends Maker {
  client: Record<Role, PageClient>;
  /** The same sessions as API headers, to set things up without the routes under test. */
  headers: Record<Exclude<Role, 'anon'>, Record<string, string>>;
  userId: Record<Exclude<Role, 'anon'>, string>;
  personOf: Record<Target, string>;
  idNumberOf: Record<Target, string>;
  caseOf: Record<Target, string>;
  attachmentOf: Record<Target, string>;
  rosterOf: Record<Target, string>;
  rosterStateOf: Record<Target, string>;
  batchOf: Record<Target, string>;
  definition: string;
}

type Cell = (c: Ctx, p: PageClient, role: Role, target: Target) => Promise<Outcome>;

const ITEM = 'glory-plaque';
const householdCheck = (loadSamples(ITEM).forms.householdCheck as Record<string, unknown>[])[0]!;
/** The clerk of the target's village: takes its village steps, uploads its rosters, runs its batches. */
const clerkOf = uploaderOf;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
const CSRF_REFUSAL = /页面已过期或来源不明/;
const SUCCESS = new Set<Outcome>([200, 303, 'ok', 'seen']);

const page = (r: LightMyRequestResponse): Outcome => (r.statusCode === 303 && String(r.headers.location).startsWith('/login?next=') ? 'login' : r.statusCode);

/** A redirect counts as 303 only when it goes where the route's success goes. */
const to = (r: LightMyRequestResponse, where: string | RegExp): Outcome => {
  const o = page(r);
  if (o !== 303) return o;
  const location = String(r.headers.location);
  return (typeof where === 'string' ? location === where : where.test(location)) ? 303 : `303 ${location}`;
};

async function versionOf(c: Ctx, caseId: string): Promise<number> {
  return (await c.app.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;
}

/** A case of the item at its first (village) step, opened through the API by the district clerk. */
async function freshCase(c: Ctx, target: Target, personId?: string): Promise<string> {
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/cases', headers: c.headers.district, payload: { workflowId: ITEM, personId: personId ?? await freshVeteran(c, target) } });
  if (r.statusCode !== 201) throw new Error(`setup case: ${r.body}`);
  return r.json().id;
}

/** Where a registration went: 303 when into the village asked for. */
async function registered(c: Ctx, r: LightMyRequestResponse, village: string, relative?: string): Promise<Outcome> {
  const m = /^\/persons\/([^?]+)\?registered=1$/.exec(String(r.headers.location ?? ''));
  if (r.statusCode !== 303 || !m) return page(r);
  const p = await c.app.db.selectFrom('persons').select('station_id').where('id', '=', m[1]!).executeTakeFirstOrThrow();
  if (relative && !(await listRelations(c.app.db, m[1]!, 'xinhe')).some((x) => x.personId === relative)) return 'registered without the relation';
  return p.station_id === village ? 303 : `in ${p.station_id}`;
}

const register = (relative: boolean): Cell => async (c, p, role, target) => {
  const idNumber = makeIdNumber('330102', '1979-09-09', c.seq());
  if (!relative) {
    return registered(c, await p.post('/persons/new', { 'd.name': '新登记', 'd.idNumber': idNumber, 'd.stationId': villageOf[target], 'd.category': 'veteran', _confirmed: idNumber }), villageOf[target]);
  }
  const own = role === 'xishan' ? villageOf.S : villageOf.Q;
  return registered(c, await p.post('/persons/new', {
    'd.name': '新登记', 'd.idNumber': idNumber, 'd.stationId': own, 'd.category': 'family',
    '_count.relations': '1', 'd.relations.0.idNumber': c.idNumberOf[target], 'd.relations.0.relation': 'child', _confirmed: idNumber,
  }), own, c.personOf[target]);
};

/** An act posted from the case page; a refused one must have recorded nothing. */
const act = (type: string, fields: Record<string, string>): Cell => async (c, p, _role, target) => {
  const id = c.caseOf[target];
  const before = await versionOf(c, id);
  const r = await p.post(`/cases/${id}/acts`, { _act: type, _version: String(before), ...fields });
  const outcome = to(r, `/cases/${id}?acted=${type}#history`);
  if (outcome !== 303 && (await versionOf(c, id)) !== before) return `${outcome}, but recorded`;
  if (outcome === 422 && !r.body.includes(errorMessages.FORBIDDEN.zh)) return '422, not for the role';
  return outcome;
};

/** A supervisor's act on the ticked case: the result page answers for each case, done or not done apart. */
// `fresh`: a case of its own each time (escalating a case already escalated reaches nobody new, ADR 0019).
const supervise = (action: string, fields: Record<string, string>, fresh = false): Cell => async (c, p, _, target) => {
  const caseId = fresh ? await freshCase(c, target) : c.caseOf[target];
  const r = await p.post('/supervision/act', { action, caseId, ...fields });
  const o = page(r);
  if (o !== 200) return o;
  if (r.body.includes('id="batch-done"') && !r.body.includes('id="batch-failed"')) return 'ok';
  return r.body.includes('id="batch-failed"') && r.body.includes(errorMessages.NOT_FOUND.zh) ? 'nf' : `result ${r.body.slice(0, 200)}`;
};

/** A draft of a definition saved through the API by policy staff, for a publish to take. */
async function draft(c: Ctx): Promise<number> {
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: c.headers.policy, payload: { definition: JSON.parse(c.definition), note: '矩阵测试草稿' } });
  if (r.statusCode !== 201) throw new Error(`setup draft: ${r.body}`);
  return r.json().version;
}

const editor = (role: Role) => role === 'policy' || role === 'admin';

/** A draft whose publication `by` has requested through the API. */
async function requested(c: Ctx, by: 'policy' | 'admin'): Promise<number> {
  const v = await draft(c);
  await requestPublication(c.app, 'discharge-reporting', v, c.headers[by]);
  return v;
}

const CELLS: Record<string, Cell> = {
  'GET /login': async (_c, p) => page(await p.get('/login')),
  'POST /login': async (c, _p, role) => {
    const b = new PageClient(c.app);
    await b.get('/login');
    return to(await b.post('/login', { username: role === 'anon' ? 'nobody' : USERNAME[role], password: 'demo1234', next: '/' }), '/');
  },
  'POST /logout': async (c, p, role) => {
    if (role === 'anon') return page(await p.post('/logout', {}));
    const b = new PageClient(c.app);
    await b.login(USERNAME[role]);
    const sid = b.cookies.get('sid');
    const r = await b.post('/logout', {});
    if (page(await c.app.inject({ url: '/', headers: { cookie: `sid=${sid}` } })) !== 'login') return 'the session outlived the logout';
    return to(r, '/login?bye=1');
  },
  'POST /session/extend': async (_c, p) => to(await p.post('/session/extend', { next: '/' }), '/'),
  'POST /counter': async (_c, p) => to(await p.post('/counter', { on: '0', next: '/' }), '/'),
  'GET /password': async (_c, p) => page(await p.get('/password')),
  'POST /password': async (c, p, role) => {
    const before = role === 'anon' ? undefined : await c.app.db.selectFrom('users').select('password_hash').where('id', '=', c.userId[role]).executeTakeFirstOrThrow();
    const r = await p.post('/password', { currentPassword: 'demo1234', newPassword: 'matrix-password-1', confirmPassword: 'matrix-password-1' });
    // This browser's session goes on (a change ends only the user's other ones); demo1234 comes
    // back for the logins after.
    if (before) await c.app.db.updateTable('users').set(before).where('id', '=', c.userId[role as Exclude<Role, 'anon'>]).execute();
    return to(r, '/password?done=1');
  },
  'GET /': async (_c, p) => page(await p.get('/')),
  'GET /cases': async (_c, p) => page(await p.get('/cases')),
  'POST /search': async (c, p, _role, target) => {
    const r = await p.post('/search', { q: c.idNumberOf[target] });
    return r.statusCode === 200 ? (r.body.includes(`/persons/${c.personOf[target]}`) ? 'seen' : 'unseen') : page(r);
  },
  'GET /persons/new': async (_c, p) => page(await p.get('/persons/new')),
  'POST /persons/new': register(false),
  'POST /persons/new relative': register(true),
  'GET /persons/:id': async (c, p, _role, target) => page(await p.get(`/persons/${c.personOf[target]}`)),
  'GET /persons/:id family': async (c, p, _role, target) => {
    const r = await p.get(`/persons/${c.personOf[target]}`);
    const relative = c.personOf[target === 'Q' ? 'S' : 'Q'];
    const name = (await findPerson(c.app.db, relative, 'xinhe'))!.name;
    return r.statusCode === 200 && (r.body.includes(`/persons/${relative}`) || r.body.includes(name)) ? 'named' : page(r);
  },
  'GET /persons/:id?reveal=1': async (c, p, _role, target) => {
    const before = (await c.app.db.selectFrom('reveal_log').select('id').execute()).length;
    const r = await p.get(`/persons/${c.personOf[target]}?reveal=1`);
    const logged = (await c.app.db.selectFrom('reveal_log').select('id').execute()).length - before;
    if (logged !== (r.statusCode === 200 ? 1 : 0)) return `reveal logged ${logged} times`;
    if (r.statusCode === 200 && !r.body.includes(c.idNumberOf[target])) return 'not revealed';
    return page(r);
  },
  'POST /persons/:id/corrections': async (c, p, _role, target) => {
    const id = await freshVeteran(c, target);
    return to(await p.post(`/persons/${id}/corrections`, { name: `更正${c.seq()}`, reason: '矩阵测试' }), `/persons/${id}?corrected=1`);
  },
  'POST /persons/:id/cases': async (c, p, _role, target) => to(await p.post(`/persons/${await freshVeteran(c, target)}/cases`, { workflowId: ITEM }), /^\/cases\/[0-9a-f-]{36}$/),
  'GET /cases/:id': async (c, p, _role, target) => page(await p.get(`/cases/${c.caseOf[target]}`)),
  'GET /cases/:id/receipt': async (c, p, _role, target) => page(await p.get(`/cases/${c.caseOf[target]}/receipt`)),
  'GET /cases/:id/act/:type': async (c, p, _role, target) => to(await p.get(`/cases/${c.caseOf[target]}/act/SUBMIT`), `/cases/${c.caseOf[target]}`),
  'GET /cases/:id/act/:type/check': async (c, p, _role, target) => to(await p.get(`/cases/${c.caseOf[target]}/act/SUBMIT/check`), `/cases/${c.caseOf[target]}`),
  'POST /cases/:id/act/:type': async (c, p, role, target) => {
    const id = await freshCase(c, target);
    const r = await p.post(`/cases/${id}/act/SUBMIT`, { _action: 'save', _version: String(await versionOf(c, id)), _draft: '0', 'd.householderName': '李建华' });
    const outcome = to(r, `/cases/${id}?saved=1`);
    if (outcome !== 303 && role !== 'anon' && (await findDraft(c.app.db, id, c.userId[role], 'SUBMIT'))) return `${outcome}, but a draft was saved`;
    return outcome;
  },
  'GET /cases/:id/act/:type/section/:n': async (c, p, _role, target) => to(await p.get(`/cases/${c.caseOf[target]}/act/SUBMIT/section/1`), `/cases/${c.caseOf[target]}`),
  'POST /cases/:id/act/:type/section/:n': async (c, p, role, target) => {
    const id = await freshCase(c, target);
    const fields = { 'd.source': 'ex-officio', 'd.requestType': 'hang', 'd.familyType': 'serving' };
    const outcome = to(await p.post(`/cases/${id}/act/SUBMIT/section/1`, { _version: String(await versionOf(c, id)), _draft: '0', ...fields }), `/cases/${id}/act/SUBMIT`);
    if (outcome !== 303 && role !== 'anon' && (await findDraft(c.app.db, id, c.userId[role], 'SUBMIT'))) return `${outcome}, but a draft was saved`;
    return outcome;
  },
  'POST /cases/:id/act/:type/sections': async (c, p, role, target) => {
    const id = await freshCase(c, target);
    const version = await versionOf(c, id);
    if (role !== 'anon') await saveDraft(c.app.db, { caseId: id, userId: c.userId[role], eventType: 'SUBMIT', data: householdCheck, caseVersion: version, now: new Date() });
    return to(await p.post(`/cases/${id}/act/SUBMIT/sections`, { _version: String(version) }), `/cases/${id}/act/SUBMIT/check`);
  },
  'POST /cases/:id/act/:type/check': async (c, p, role, target) => {
    const id = await freshCase(c, target);
    const version = await versionOf(c, id);
    // Everyone has the step's answers ready, so a refusal is about who they are, not a missing draft.
    if (role !== 'anon') await saveDraft(c.app.db, { caseId: id, userId: c.userId[role], eventType: 'SUBMIT', data: householdCheck, caseVersion: version, now: new Date() });
    const outcome = to(await p.post(`/cases/${id}/act/SUBMIT/check`, { _version: String(version) }), `/cases/${id}?done=${version + 1}`);
    if (outcome !== 303 && (await versionOf(c, id)) !== version) return `${outcome}, but sent`;
    return outcome;
  },
  'POST /cases/:id/acts COMMENT': act('COMMENT', { text: '矩阵测试意见' }),
  'POST /cases/:id/acts URGE': act('URGE', { text: '请尽快办理' }),
  'POST /cases/:id/acts REASSIGN': act('REASSIGN', { userId: 'u-district-clerk-2', reason: '矩阵测试' }),
  'POST /cases/:id/acts COPY_TO': act('COPY_TO', { userId: 'u-district-clerk-2', reason: '矩阵测试' }),
  'POST /cases/:id/acts RECALL': async (c, p, _role, target) => {
    const id = await freshCase(c, target);
    const sent = await c.app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: c.headers[clerkOf[target]], payload: { type: 'SUBMIT', data: householdCheck, expectedVersion: 1 } });
    if (sent.statusCode !== 200) throw new Error(`setup step to take back: ${sent.body}`);
    const outcome = to(await p.post(`/cases/${id}/acts`, { _act: 'RECALL', _version: '2', reason: '矩阵测试' }), `/cases/${id}?acted=RECALL`);
    if (outcome !== 303 && (await versionOf(c, id)) !== 2) return `${outcome}, but taken back`;
    return outcome;
  },
  'POST /cases/:id/attachments': async (c, p, _role, target) => {
    const id = c.caseOf[target];
    return to(await p.postMultipart(`/cases/${id}/attachments`, {}, [{ field: 'file._other', filename: 'scan.png', type: 'image/png', bytes: PNG }]), `/cases/${id}?uploaded=1#materials`);
  },
  'GET /attachments/:id': async (c, p, _role, target) => page(await p.get(`/attachments/${c.attachmentOf[target]}`)),
  'GET /attachments/:id/thumb': async (c, p, _role, target) => page(await p.get(`/attachments/${c.attachmentOf[target]}/thumb`)),
  'GET /supervision': async (_c, p) => page(await p.get('/supervision')),
  'GET /supervision?stationId=': async (_c, p, _role, target) => page(await p.get(`/supervision?due=all&stationId=${villageOf[target]}`)),
  'POST /supervision/act urge': supervise('urge', { text: '请加快办理' }),
  'POST /supervision/act reassign': supervise('reassign', { userId: 'u-district-clerk-2', text: '矩阵测试' }),
  'POST /supervision/act escalate': supervise('escalate', { text: '矩阵测试升级' }, true),
  'POST /supervision/act comment': supervise('comment', { text: '矩阵测试意见' }),
  'GET /policy': async (_c, p) => page(await p.get('/policy')),
  'GET /policy/workflows/:id': async (_c, p) => page(await p.get('/policy/workflows/discharge-reporting')),
  'GET /policy/workflows/:id/drafts': async (_c, p) => to(await p.get('/policy/workflows/discharge-reporting/drafts'), '/policy/workflows/discharge-reporting'),
  'GET /policy/workflows/:id/versions/:version/publish': async (_c, p) => to(await p.get('/policy/workflows/discharge-reporting/versions/1/publish'), '/policy/workflows/discharge-reporting?version=1'),
  'POST /policy/workflows/:id/drafts': async (c, p) => to(await p.post('/policy/workflows/discharge-reporting/drafts', { definition: c.definition, note: '矩阵测试草稿' }), /^\/policy\/workflows\/discharge-reporting\?version=\d+#findings-title$/),
  'GET /policy/workflows/:id/versions/:version/publish/approve': async (_c, p) => to(await p.get('/policy/workflows/discharge-reporting/versions/1/publish/approve'), '/policy/workflows/discharge-reporting?version=1'),
  'GET /policy/workflows/:id/versions/:version/publish/withdraw': async (_c, p) => to(await p.get('/policy/workflows/discharge-reporting/versions/1/publish/withdraw'), '/policy/workflows/discharge-reporting?version=1'),
  'GET /policy/workflows/:id/versions/:version/discard': async (_c, p) => to(await p.get('/policy/workflows/discharge-reporting/versions/1/discard'), '/policy/workflows/discharge-reporting?version=1'),
  'GET /policy/workflows/:id/migrations': async (_c, p) => to(await p.get('/policy/workflows/discharge-reporting/migrations'), '/policy/workflows/discharge-reporting'),
  // Editors act on a draft of their own (requested by the other editor where they approve); for the rest any
  // version will do, they are stopped first.
  'POST /policy/workflows/:id/versions/:version/publish': async (c, p, role) => {
    const v = editor(role) ? await draft(c) : 1;
    return to(await p.post(`/policy/workflows/discharge-reporting/versions/${v}/publish`, { confirm: 'yes' }), `/policy/workflows/discharge-reporting?version=${v}&done=requested#publication`);
  },
  'POST /policy/workflows/:id/versions/:version/publish/approve': async (c, p, role) => {
    const v = editor(role) ? await requested(c, role === 'policy' ? 'admin' : 'policy') : 1;
    const sha = editor(role) ? (await c.app.inject({ url: `/api/v1/workflows/discharge-reporting/versions/${v}`, headers: c.headers.policy })).json().draftSha256 : '';
    return to(await p.post(`/policy/workflows/discharge-reporting/versions/${v}/publish/approve`, { confirm: 'yes', draftSha256: sha }), `/policy/workflows/discharge-reporting?version=${v}&done=published#publication`);
  },
  'POST /policy/workflows/:id/versions/:version/publish/withdraw': async (c, p, role) => {
    const v = editor(role) ? await requested(c, role) : 1;
    return to(await p.post(`/policy/workflows/discharge-reporting/versions/${v}/publish/withdraw`, {}), `/policy/workflows/discharge-reporting?version=${v}&done=withdrawn#publication`);
  },
  'POST /policy/workflows/:id/versions/:version/discard': async (c, p, role) => {
    const v = editor(role) ? await draft(c) : 1;
    return to(await p.post(`/policy/workflows/discharge-reporting/versions/${v}/discard`, { confirm: 'yes' }), `/policy/workflows/discharge-reporting?version=${v}&done=discarded#publication`);
  },
  'POST /policy/workflows/:id/migrations': async (_c, p) => page(await p.post('/policy/workflows/discharge-reporting/migrations', { toVersion: '1' })),
  'GET /rosters': async (_c, p) => page(await p.get('/rosters')),
  'POST /rosters': async (c, p) => {
    const rows = conscriptRows({ rows: 1, villages: ['桥头村'], seed: 40_000 + c.seq() * 3 });
    const r = await p.postMultipart('/rosters', { workflowId: 'conscript-family-allowance', period: '2026', listDocumentNumber: '新征办〔2026〕12号' }, [{ field: 'file', filename: 'list.csv', type: 'text/csv', bytes: csvBytes(ROSTER_HEADERS, rows) }]);
    return to(r, /^\/rosters\/[0-9a-f-]{36}$/);
  },
  'GET /rosters/:id': async (c, p, _role, target) => page(await p.get(`/rosters/${c.rosterOf[target]}`)),
  'POST /rosters/:id/commit': async (c, p, _role, target) => {
    const id = await freshRoster(c, target);
    return to(await p.post(`/rosters/${id}/commit`, {}), `/rosters/${id}`);
  },
  'POST /rosters/:id/batch': async (c, p, _role, target) => {
    const id = c.rosterOf[target];
    return to(await p.post(`/rosters/${id}/batch`, { decision: `${c.rosterStateOf[target]}:COMMENT` }), new RegExp(`^/rosters/${id}\\?batch=[0-9a-f-]{36}$`));
  },
  'GET /rosters/:id/batches/:batchId/notices.pdf': async (c, p, _role, target) => page(await p.get(`/rosters/${c.rosterOf[target]}/batches/${c.batchOf[target]}/notices.pdf`)),
  'GET /admin': async (_c, p) => page(await p.get('/admin')),
  'GET /admin/users': async (_c, p) => to(await p.get('/admin/users'), '/admin'),
  'GET /admin/stations': async (_c, p) => to(await p.get('/admin/stations'), '/admin'),
  'GET /admin/users/:id/status': async (_c, p) => to(await p.get('/admin/users/u-district-clerk-2/status'), '/admin'),
  'POST /admin/users': async (c, p) => {
    const n = c.seq();
    return to(await p.post('/admin/users', { username: `matrix-${n}`, displayName: `矩阵${n}`, role: 'clerk', stationId: 'qiaotou', password: 'matrix-password-1' }), '/admin?done=user');
  },
  'POST /admin/stations': async (c, p) => {
    const n = c.seq();
    return to(await p.post('/admin/stations', { parentId: 'dongcheng', id: `matrix-${n}`, nameZh: `矩阵村${n}`, nameEn: `Matrix ${n}` }), '/admin?done=station');
  },
  // Enabling a user who is enabled changes nothing, whoever gets through.
  'POST /admin/users/:id/status': async (_c, p) => to(await p.post('/admin/users/u-district-clerk-2/status', { disabled: '0' }), '/admin?done=enabled'),
};

/** The route of a matrix row: "METHOD /url", without the query, the variant and the target. */
const routeOf = (key: string) => key.split(' ').slice(0, 2).join(' ').replace(/\?.*$/, '');

/** A real address for a route (records @Q), for the posts without a token. */
function addressOf(c: Ctx, route: string): string {
  const url = route.split(' ')[1]!;
  const id = url.startsWith('/persons/') ? c.personOf.Q : url.startsWith('/cases/') ? c.caseOf.Q : url.startsWith('/rosters/') ? c.rosterOf.Q
    : url.startsWith('/admin/users/') ? 'u-district-clerk-2' : url.startsWith('/policy/') ? 'discharge-reporting' : '';
  return url.replace(':id', id).replace(':type', 'SUBMIT').replace(':version', '1').replace(':n', '1');
}

t.test('every page route × every role × inside and outside the jurisdiction', async (t) => {
  // Far more logins than the per-minute limit allows one address: every role logs in here more than once.
  const app = await build(t, { config: { login: { ratePerMinute: 10_000, maxFailures: 5, lockMinutes: 15 } } });
  const anon = new PageClient(app);
  await anon.get('/login');
  const logged = await Promise.all(Object.entries(USERNAME).map(async ([role, username]) => {
    const p = new PageClient(app);
    await p.login(username);
    return [role, p] as const;
  }));
  const client = { anon, ...Object.fromEntries(logged) } as Ctx['client'];
  const headers = Object.fromEntries(logged.map(([role, p]) => [role, { cookie: `sid=${p.cookies.get('sid')}`, origin: OWN_ORIGIN }])) as unknown as Ctx['headers'];
  const users = await app.db.selectFrom('users').select(['id', 'username']).execute();
  const userId = Object.fromEntries(Object.entries(USERNAME).map(([role, u]) => [role, users.find((x) => x.username === u)!.id])) as Ctx['userId'];
  let n = 100;
  const ctx: Ctx = {
    app, client, headers, userId, seq: () => ++n,
    personOf: { Q: '', S: '' }, idNumberOf: { Q: '', S: '' }, caseOf: { Q: '', S: '' }, attachmentOf: { Q: '', S: '' },
    rosterOf: { Q: '', S: '' }, rosterStateOf: { Q: '', S: '' }, batchOf: { Q: '', S: '' },
    definition: JSON.stringify((await app.inject({ url: '/api/v1/workflows/discharge-reporting', headers: headers.admin })).json(), null, 2),
  };

  for (const target of ['Q', 'S'] as const) {
    ctx.personOf[target] = await freshVeteran(ctx, target);
    ctx.idNumberOf[target] = (await findPerson(app.db, ctx.personOf[target], 'xinhe'))!.idNumber;
    ctx.caseOf[target] = await freshCase(ctx, target, ctx.personOf[target]);
    if (target === 'S') {
      await insertRelation(app.db, ctx.personOf.Q, ctx.personOf.S, 'spouse');
      await insertRelation(app.db, ctx.personOf.S, ctx.personOf.Q, 'spouse');
    }
    // Everyone's answers to the step are saved, so the check page can only turn away who may not take the step.
    const version = await versionOf(ctx, ctx.caseOf[target]);
    for (const id of Object.values(userId)) await saveDraft(app.db, { caseId: ctx.caseOf[target], userId: id, eventType: 'SUBMIT', data: householdCheck, caseVersion: version, now: new Date() });
    const attached = await client[clerkOf[target]].postMultipart(`/cases/${ctx.caseOf[target]}/attachments`, {}, [{ field: 'file._other', filename: 'scan.png', type: 'image/png', bytes: PNG }]);
    t.equal(attached.statusCode, 303, `setup: a scan filed with case @${target}`);
    ctx.attachmentOf[target] = (await listAttachments(app.db, ctx.caseOf[target]))[0]!.id;

    // A committed roster of the target's village, and a batch its clerk ran on the roster's cases.
    ctx.rosterOf[target] = await freshRoster(ctx, target);
    const committed = await app.inject({ method: 'POST', url: `/api/v1/rosters/${ctx.rosterOf[target]}/commit`, headers: headers[clerkOf[target]] });
    t.equal(committed.statusCode, 201, `setup: roster @${target} committed`);
    ctx.rosterStateOf[target] = (await app.db.selectFrom('cases').select('state').where('roster_id', '=', ctx.rosterOf[target]).executeTakeFirstOrThrow()).state;
    const ran = await app.inject({
      method: 'POST', url: '/api/v1/batch-actions', headers: headers[clerkOf[target]],
      payload: { workflowId: 'conscript-family-allowance', state: ctx.rosterStateOf[target], type: 'COMMENT', rosterId: ctx.rosterOf[target], data: { text: '矩阵测试' } },
    });
    t.equal(ran.statusCode, 200, `setup: batch action @${target}`);
    ctx.batchOf[target] = ran.json().id;
  }

  // Every page route must be in the table (a new page needs its row), and every row must still be a route.
  const routes = pageRoutes(app);
  const covered = new Set(Object.keys(MATRIX).map(routeOf));
  t.same(routes.filter((r) => !covered.has(r)), [], 'every page route has its row in the matrix');
  t.same([...covered].filter((r) => !routes.includes(r)), [], 'every row of the matrix is a page route');

  t.same(rulesWithoutRow(MATRIX, RULE_OF), [], 'every route given an action has its row in the matrix');
  for (const { key, route, target, expected, disagreements } of rowsOf(MATRIX, RULE_OF, await usersOf(app))) {
    const cell = CELLS[route];
    if (!cell) throw new Error(`no request written for ${key}`);
    t.same(disagreements, [], `${key}: as the rules table has it`);
    const actual: Outcome[] = [];
    for (const role of ROLES) actual.push(await cell(ctx, client[role], role, target));
    t.same(
      Object.fromEntries(ROLES.map((r, i) => [r, actual[i]])),
      Object.fromEntries(ROLES.map((r, i) => [r, expected[i]])),
      key,
    );
  }

  // Each form post without its token is refused before it does anything, by a role the matrix lets send it.
  for (const route of [...new Set(Object.keys(MATRIX).map(routeOf))].filter((r) => r.startsWith('POST '))) {
    const [, row] = Object.entries(MATRIX).find(([k]) => routeOf(k) === route && !k.endsWith('@S'))!;
    const role = ROLES.find((r, i) => r !== 'anon' && SUCCESS.has(row[i]!))!;
    const r = await client[role].post(addressOf(ctx, route), { text: 'x', username: USERNAME[role as Exclude<Role, 'anon'>], password: 'demo1234' }, { csrf: null });
    t.equal(r.statusCode, 403, `${route} without the token (${role})`);
    t.match(r.body, CSRF_REFUSAL, `${route}: refused as a form without its token`);
  }
});
