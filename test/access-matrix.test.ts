import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { newId } from '../src/db/ids.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { findPerson } from '../src/persons/person.repository.ts';
import { build, login } from './helpers/build.ts';
import { requestPublication } from './helpers/publish.ts';
import { dischargeIntake } from './helpers/fixtures.ts';
import { freshRoster, freshVeteran, ROLES, uploaderOf, uploadOne, USERNAME, villageOf, type Role } from './helpers/access.ts';
import { batchOfTarget, routesDoing, rowsOf, rulesWithoutRow, usersOf, type RuleOfRow } from './helpers/access-rules.ts';
import { apiRoutes } from './helpers/routes.ts';

/*
 * Every API route × every role × inside / outside the role's jurisdiction, with the expected outcome
 * written down here as data: decided from what each role is for and where its station sits, not
 * read from the code under test.
 *
 * Targets: @Q is a person (and their case) in 桥头村 qiaotou, 东城镇 dongcheng; @S is one in 山下村
 * shanxia, 西山镇 xishan. The district (xinhe) contains both. So for the village clerk, the town
 * clerk and the town supervisor (all in dongcheng) @Q is inside and @S outside; for the xishan
 * clerk it is the other way round; for district staff both are inside.
 *
 * Outcomes: a status code; `seen`/`unseen` = 200 and the target is / is not in the list; `ok`/`nf`
 * = 200 from a bulk act whose result for the target is done / not found (outside the jurisdiction).
 */
type Outcome = number | 'seen' | 'unseen' | 'ok' | 'nf';

/** The targets' villages (a released case's resource: where it lies). */
const pathOfTarget = { Q: 'xinhe.dongcheng.qiaotou', S: 'xinhe.xishan.shanxia' } as const;

// prettier-ignore
const MATRIX: Record<string, Outcome[]> = {
  // One column per role, in ROLES order: anon, village, town, district, townSup, sup, policy, admin, xishan.
  // Session: anyone may try to log in; the rest needs a session.
  'POST /api/v1/session':                             [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/session':                              [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'DELETE /api/v1/session':                           [401,      204,      204,      204,      204,      204,      204,      204,      204],
  // Everyone changes their own password (here to one too short: nothing changes, no session ends).
  'PUT /api/v1/session/password':                     [401,      422,      422,      422,      422,      422,      422,      422,      422],
  // Definitions are not personal data: every member of staff reads them.
  'GET /api/v1/workflows':                            [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/workflows/:id':                        [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/chain':                                [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/workflows/:id/versions':               [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/workflows/:id/versions/:version':      [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/workflows/:id/versions/:version/export': [401,    200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/workflows/:id/versions/:version/diff': [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/workflows/:id/versions/:version/paths': [401,     200,      200,      200,      200,      200,      200,      200,      200],
  'POST /api/v1/workflows/:id/versions/:version/simulate': [401, 200,      200,      200,      200,      200,      200,      200,      200],
  // Linting compiles every form of what it is sent: for the editors, who alone have the editor page.
  'POST /api/v1/workflows/:id/lint':                  [401,      403,      403,      403,      403,      403,      200,      200,      403],
  // Changing definitions and standards is for policy staff (and the administrator).
  'POST /api/v1/workflows/:id/versions':              [401,      403,      403,      403,      403,      403,      201,      201,      403],
  // Publishing takes two editors (ADR 0033): one requests, another approves what was requested (…/publish).
  'POST /api/v1/workflows/:id/versions/:version/publication-request': [401, 403, 403,   403,      403,      403,      201,      201,      403],
  'POST /api/v1/workflows/:id/versions/:version/publication-request/withdraw': [401, 403, 403, 403, 403,    403,      200,      200,      403],
  'POST /api/v1/workflows/:id/versions/:version/publish': [401,  403,      403,      403,      403,      403,      200,      200,      403],
  'POST /api/v1/workflows/:id/versions/:version/discard': [401,  403,      403,      403,      403,      403,      200,      200,      403],
  // Impact and migration list every open case of the item in the district: policy staff only.
  'GET /api/v1/workflows/:id/versions/:version/impact': [401,    403,      403,      403,      403,      403,      200,      200,      403],
  'POST /api/v1/workflows/:id/migrations':            [401,      403,      403,      403,      403,      403,      200,      200,      403],
  'GET /api/v1/standards':                            [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'POST /api/v1/standards':                           [401,      403,      403,      403,      403,      403,      201,      201,      403],
  // A job is seen by whoever started it (policy, here) and the administrator.
  'GET /api/v1/jobs/:id':                             [401,      404,      404,      404,      404,      404,      200,      200,      404],
  // Persons: clerks register them in villages of their own area; outside it a person does not exist.
  'POST /api/v1/persons @Q':                          [401,      201,      201,      201,      403,      403,      403,      403,      422],
  'POST /api/v1/persons @S':                          [401,      422,      422,      201,      403,      403,      403,      403,      201],
  'POST /api/v1/persons/search @Q':                   [401,      'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'unseen'],
  'POST /api/v1/persons/search @S':                   [401,      'unseen', 'unseen', 'seen',   'unseen', 'seen',   'seen',   'seen',   'seen'],
  'GET /api/v1/persons/:id @Q':                       [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/persons/:id @S':                       [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/persons/:id?reveal=1 @Q':              [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/persons/:id?reveal=1 @S':              [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/persons/:id/chain @Q':                 [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/persons/:id/chain @S':                 [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/persons/:id/history @Q':               [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/persons/:id/history @S':               [401,      404,      404,      200,      404,      200,      200,      200,      200],
  // Corrections of particulars: clerks of the person's area (the ID number by district staff:
  // test/person-corrections.test.ts).
  'PATCH /api/v1/persons/:id @Q':                     [401,      200,      200,      200,      403,      403,      403,      403,      404],
  'PATCH /api/v1/persons/:id @S':                     [401,      404,      404,      200,      403,      403,      403,      403,      200],
  // Transfer requests (@Q: for a person of 桥头村, asked by 山下村; @S the other way): listed to the holding
  // side as incoming, answered by its clerks; to the asking side the request is not theirs to answer (404).
  'GET /api/v1/person-transfers @Q':                  [401,      'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'unseen'],
  'GET /api/v1/person-transfers @S':                  [401,      'unseen', 'unseen', 'seen',   'unseen', 'seen',   'seen',   'seen',   'seen'],
  'POST /api/v1/person-transfers/:id/accept @Q':      [401,      200,      200,      200,      403,      403,      403,      403,      404],
  'POST /api/v1/person-transfers/:id/accept @S':      [401,      404,      404,      200,      403,      403,      403,      403,      200],
  'POST /api/v1/person-transfers/:id/refuse @Q':      [401,      200,      200,      200,      403,      403,      403,      403,      404],
  'POST /api/v1/person-transfers/:id/refuse @S':      [401,      404,      404,      200,      403,      403,      403,      403,      200],
  // Cases: clerks open them for persons of their area; everyone with the area sees them.
  'POST /api/v1/cases @Q':                            [401,      201,      201,      201,      403,      403,      403,      403,      404],
  'POST /api/v1/cases @S':                            [401,      404,      404,      201,      403,      403,      403,      403,      201],
  'GET /api/v1/cases @Q':                             [401,      'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'unseen'],
  'GET /api/v1/cases @S':                             [401,      'unseen', 'unseen', 'seen',   'unseen', 'seen',   'seen',   'seen',   'seen'],
  'GET /api/v1/cases/:id @Q':                         [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/cases/:id @S':                         [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/cases/:id?reveal=1 @Q':                [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/cases/:id?reveal=1 @S':                [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/cases/:id/notices @Q':                 [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/cases/:id/notices @S':                 [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/notices/:code.pdf @Q':                 [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/notices/:code.pdf @S':                 [401,      404,      404,      200,      404,      200,      200,      200,      200],
  // A district step (the discharge report's window): district clerks only; elsewhere 403, outside 404.
  'POST /api/v1/cases/:id/events SUBMIT @Q':          [401,      403,      403,      200,      403,      403,      403,      403,      404],
  'POST /api/v1/cases/:id/events SUBMIT @S':          [401,      404,      404,      200,      404,      403,      403,      403,      403],
  // Administrative acts: comments from all staff, urging from supervisors, handing over not by policy staff.
  'POST /api/v1/cases/:id/events COMMENT @Q':         [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'POST /api/v1/cases/:id/events COMMENT @S':         [401,      404,      404,      200,      404,      200,      200,      200,      200],
  // The compact step (ADR 0027): the same rules as v1.
  'POST /api/v2/cases/:id/events SUBMIT @Q':          [401,      403,      403,      200,      403,      403,      403,      403,      404],
  'POST /api/v2/cases/:id/events SUBMIT @S':          [401,      404,      404,      200,      404,      403,      403,      403,      403],
  'POST /api/v2/cases/:id/events COMMENT @Q':         [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'POST /api/v2/cases/:id/events COMMENT @S':         [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'POST /api/v1/cases/:id/events URGE @Q':            [401,      403,      403,      403,      200,      200,      403,      200,      404],
  'POST /api/v1/cases/:id/events URGE @S':            [401,      404,      404,      403,      404,      200,      403,      200,      403],
  'POST /api/v1/cases/:id/events REASSIGN @Q':        [401,      200,      200,      200,      200,      200,      403,      200,      404],
  'POST /api/v1/cases/:id/events REASSIGN @S':        [401,      404,      404,      200,      404,      200,      403,      200,      200],
  // 认领: staff of the station whose queue holds the step (the discharge report's window: the district's), as clerks
  // or supervisors; 退回队列 (of a case the district clerk claimed): that clerk, or a supervisor over the case.
  'POST /api/v1/cases/:id/events CLAIM @Q':          [401,      403,      403,      200,      403,      200,      403,      403,      404],
  'POST /api/v1/cases/:id/events CLAIM @S':          [401,      404,      404,      200,      404,      200,      403,      403,      403],
  'POST /api/v1/cases/:id/events RELEASE @Q':        [401,      403,      403,      200,      200,      200,      403,      403,      404],
  'POST /api/v1/cases/:id/events RELEASE @S':        [401,      404,      404,      200,      404,      200,      403,      403,      403],
  // The official calendar: read by all, loaded by the administrator.
  'GET /api/v1/calendar/:year':                       [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'PUT /api/v1/calendar/:year':                       [401,      403,      403,      403,      403,      403,      403,      200,      403],
  // Supervision: reports, audit and bulk acts for supervisors and the administrator, over their area.
  'GET /api/v1/reports/stations':                     [401,      403,      403,      403,      200,      200,      403,      200,      403],
  'GET /api/v1/reports/bottlenecks':                  [401,      403,      403,      403,      200,      200,      403,      200,      403],
  'GET /api/v1/cases/export @Q':                      [401,      403,      403,      403,      'seen',   'seen',   403,      'seen',   403],
  'GET /api/v1/cases/export @S':                      [401,      403,      403,      403,      'unseen', 'seen',   403,      'seen',   403],
  'GET /api/v1/audit/events @Q':                      [401,      403,      403,      403,      'seen',   'seen',   403,      'seen',   403],
  'GET /api/v1/audit/events @S':                      [401,      403,      403,      403,      'unseen', 'seen',   403,      'seen',   403],
  'GET /api/v1/me/urges':                             [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /api/v1/supervision/queues':                   [401,      403,      403,      403,      200,      200,      403,      200,      403],
  'POST /api/v1/supervision/urge @Q':                 [401,      403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /api/v1/supervision/urge @S':                 [401,      403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  'POST /api/v1/supervision/reassign @Q':             [401,      403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /api/v1/supervision/reassign @S':             [401,      403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  'POST /api/v1/supervision/escalate @Q':             [401,      403,      403,      403,      'ok',     'ok',     403,      'ok',     403],
  'POST /api/v1/supervision/escalate @S':             [401,      403,      403,      403,      'nf',     'ok',     403,      'ok',     403],
  // Rosters: uploaded, committed and discarded by clerks only; seen within the uploader's station subtree
  // (@Q uploaded by the qiaotou village clerk, @S by the xishan clerk). The fields of an item are no personal data.
  'GET /api/v1/rosters/fields':                       [401,      200,      200,      200,      200,      200,      200,      200,      200],
  'POST /api/v1/rosters @Q':                          [401,      201,      201,      201,      403,      403,      403,      403,      201],
  'POST /api/v1/rosters @S':                          [401,      201,      201,      201,      403,      403,      403,      403,      201],
  'GET /api/v1/rosters @Q':                           [401,      'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'seen',   'unseen'],
  'GET /api/v1/rosters @S':                           [401,      'unseen', 'unseen', 'seen',   'unseen', 'seen',   'seen',   'seen',   'seen'],
  'GET /api/v1/rosters/:id @Q':                       [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/rosters/:id @S':                       [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'GET /api/v1/rosters/:id/notices.pdf @Q':           [401,      200,      200,      200,      200,      200,      200,      200,      404],
  'GET /api/v1/rosters/:id/notices.pdf @S':           [401,      404,      404,      200,      404,      200,      200,      200,      200],
  'POST /api/v1/rosters/:id/commit @Q':               [401,      201,      201,      201,      403,      403,      403,      403,      404],
  'POST /api/v1/rosters/:id/commit @S':               [401,      404,      404,      201,      404,      403,      403,      403,      201],
  'DELETE /api/v1/rosters/:id @Q':                    [401,      204,      204,      204,      403,      403,      403,      403,      404],
  // (Discarding refuses by role before looking the roster up: 403 for a non-clerk either way, nothing is disclosed.)
  'DELETE /api/v1/rosters/:id @S':                    [401,      404,      404,      204,      403,      403,      403,      403,      204],
  // Batch actions: clerks, supervisors and policy staff, on cases of their own jurisdiction only; the result is
  // seen by whoever ran it (@Q: the village clerk, @S: the xishan clerk), the administrator and supervisors above.
  'POST /api/v1/batch-actions COMMENT @Q':            [401,      'ok',     'ok',     'ok',     'ok',     'ok',     'ok',     403,      'nf'],
  'POST /api/v1/batch-actions COMMENT @S':            [401,      'nf',     'nf',     'ok',     'nf',     'ok',     'ok',     403,      'ok'],
  'GET /api/v1/batch-actions/:id @Q':                 [401,      200,      404,      404,      200,      200,      404,      200,      404],
  'GET /api/v1/batch-actions/:id @S':                 [401,      404,      404,      404,      404,      200,      404,      200,      200],
  'GET /api/v1/batch-actions/:id/notices.pdf @Q':     [401,      200,      404,      404,      200,      200,      404,      200,      404],
  'GET /api/v1/batch-actions/:id/notices.pdf @S':     [401,      404,      404,      404,      404,      200,      404,      200,      200],
  // Payment batches and confirmation runs (kept at the district): acting on them is for district clerks and
  // supervisors; reading follows the district subtree (district-level staff).
  'GET /api/v1/payment-batches':                      [401,      'unseen', 'unseen', 'seen',   'unseen', 'seen',   'seen',   'seen',   'unseen'],
  'GET /api/v1/payment-batches/:id':                  [401,      404,      404,      200,      404,      200,      200,      200,      404],
  'POST /api/v1/payment-batches':                     [401,      403,      403,      201,      403,      201,      403,      403,      403],
  'POST /api/v1/payment-batches/:id/approve':         [401,      403,      403,      200,      403,      200,      403,      403,      403],
  'POST /api/v1/payment-batches/:id/cancel':          [401,      403,      403,      200,      403,      200,      403,      403,      403],
  'GET /api/v1/payment-batches/:id/bank-file.csv':    [401,      403,      403,      200,      403,      200,      403,      403,      403],
  // (Recording looks the batch up first: below the district it does not exist, 404, as for a case outside.)
  'POST /api/v1/payment-batches/:id/record':          [401,      404,      404,      200,      404,      200,      403,      403,      404],
  'POST /api/v1/confirmation-runs':                   [401,      403,      403,      201,      403,      201,      403,      403,      403],
  'GET /api/v1/confirmation-runs/:id':                [401,      404,      404,      200,      404,      200,      200,      200,      404],
  'POST /api/v1/confirmation-runs/:id/confirm':       [401,      403,      403,      200,      403,      200,      403,      403,      403],
  'POST /api/v1/confirmation-runs/:id/close':         [401,      403,      403,      200,      403,      200,      403,      403,      403],
  // Public: health, readiness, the API documentation and the notice check behind a QR code.
  'GET /health':                                      [200,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /ready':                                       [200,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /docs':                                        [200,      200,      200,      200,      200,      200,      200,      200,      200],
  'GET /verify/:token':                               [200,      200,      200,      200,      200,      200,      200,      200,      200],
  'POST /verify/:token':                              [200,      200,      200,      200,      200,      200,      200,      200,      200],
};

/*
 * The action each route performs (src/jurisdiction/access-rules.ts): wherever the rules table refuses it
 * to a role, the matrix's cell must be the rule's refusal, and the request is expected to get it.
 */
const RULE_OF: Record<string, RuleOfRow> = {
  ...routesDoing({
    'policy.edit': [
      'POST /api/v1/workflows/:id/lint',
      'POST /api/v1/workflows/:id/versions',
      'POST /api/v1/workflows/:id/versions/:version/publication-request',
      'POST /api/v1/workflows/:id/versions/:version/publication-request/withdraw',
      'POST /api/v1/workflows/:id/versions/:version/publish',
      'POST /api/v1/workflows/:id/versions/:version/discard',
      'GET /api/v1/workflows/:id/versions/:version/impact',
      'POST /api/v1/workflows/:id/migrations',
      'POST /api/v1/standards',
    ],
    'person.register': ['POST /api/v1/persons'],
    'person.correct': ['PATCH /api/v1/persons/:id'],
    'person.transfer': ['POST /api/v1/person-transfers/:id/accept', 'POST /api/v1/person-transfers/:id/refuse'],
    'case.open': ['POST /api/v1/cases'],
    'calendar.load': ['PUT /api/v1/calendar/:year'],
    'supervision.oversee': [
      'GET /api/v1/reports/stations',
      'GET /api/v1/reports/bottlenecks',
      'GET /api/v1/cases/export',
      'GET /api/v1/audit/events',
      'POST /api/v1/supervision/urge',
      'POST /api/v1/supervision/reassign',
      'POST /api/v1/supervision/escalate',
      'GET /api/v1/supervision/queues',
    ],
    'roster.import': ['POST /api/v1/rosters', 'DELETE /api/v1/rosters/:id'],
    'batch.run': ['POST /api/v1/batch-actions COMMENT'],
    'payment.batch': [
      'POST /api/v1/payment-batches',
      'POST /api/v1/payment-batches/:id/approve',
      'POST /api/v1/payment-batches/:id/cancel',
      'GET /api/v1/payment-batches/:id/bank-file.csv',
    ],
    'payment.confirm': [
      'POST /api/v1/confirmation-runs',
      'POST /api/v1/confirmation-runs/:id/confirm',
      'POST /api/v1/confirmation-runs/:id/close',
    ],
  }),
  'GET /api/v1/jobs/:id': { action: 'job.view', resource: () => ({ ownerId: 'u-policy' }) },
  'POST /api/v1/cases/:id/events COMMENT': { action: 'case.comment', areaFirst: true },
  'POST /api/v1/cases/:id/events URGE': { action: 'case.urge', areaFirst: true },
  'POST /api/v1/cases/:id/events REASSIGN': { action: 'case.reassign', areaFirst: true },
  'POST /api/v1/cases/:id/events CLAIM': { action: 'case.claim', areaFirst: true, resource: () => ({ stationPath: 'xinhe' }) },
  'POST /api/v1/cases/:id/events RELEASE': { action: 'case.release', areaFirst: true, resource: (target) => ({ ownerId: 'u-district-clerk', stationPath: pathOfTarget[target] }) },
  'POST /api/v1/rosters/:id/commit': { action: 'roster.import', areaFirst: true },
  'GET /api/v1/batch-actions/:id': { action: 'batch.view', resource: batchOfTarget },
  'GET /api/v1/batch-actions/:id/notices.pdf': { action: 'batch.view', resource: batchOfTarget },
  'POST /api/v1/payment-batches/:id/record': { action: 'payment.batch', areaFirst: 'xinhe' },
};

interface Ctx {
  app: FastifyInstance;
  headers: Record<Exclude<Role, 'anon'>, Record<string, string>>;
  admin: Record<string, string>;
  caseOf: { Q: string; S: string };
  personOf: { Q: string; S: string };
  idNumberOf: { Q: string; S: string };
  noticeOf: { Q: string; S: string };
  verifyToken: string;
  jobId: string;
  rosterOf: { Q: string; S: string };
  transferOf: { Q: string; S: string };
  batchOf: { Q: string; S: string };
  paymentBatch: string;
  run: string;
  seq: () => number;
}

type Cell = (c: Ctx, h: Record<string, string>, role: Role, target: 'Q' | 'S') => Promise<Outcome>;

const status = (r: LightMyRequestResponse) => r.statusCode;
const seen = (r: LightMyRequestResponse, has: (body: any) => boolean): Outcome => (r.statusCode === 200 ? (has(r.json()) ? 'seen' : 'unseen') : r.statusCode);
const bulk = (r: LightMyRequestResponse): Outcome => {
  if (r.statusCode !== 200) return r.statusCode;
  const first = r.json().results[0];
  return first.ok ? 'ok' : first.code === 'NOT_FOUND' ? 'nf' : `result ${first.code}` as unknown as Outcome;
};
async function freshCase(c: Ctx, target: 'Q' | 'S'): Promise<string> {
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/cases', headers: c.headers.district, payload: { workflowId: 'discharge-reporting', personId: await freshVeteran(c, target) } });
  if (r.statusCode !== 201) throw new Error(`setup: ${r.body}`);
  return r.json().id;
}

async function versionOf(c: Ctx, caseId: string): Promise<number> {
  return (await c.app.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;
}

const event = (
  type: string, data: (c: Ctx) => Record<string, unknown>, fresh = false, api: 'v1' | 'v2' = 'v1',
): Cell => async (c, h, _role, target) => {
  const caseId = fresh ? await freshCase(c, target) : c.caseOf[target];
  return status(await c.app.inject({ method: 'POST', url: `/api/${api}/cases/${caseId}/events`, headers: h, payload: { type, data: data(c), expectedVersion: await versionOf(c, caseId) } }));
};

const editor = (role: Role) => role === 'policy' || role === 'admin';

/** A draft whose publication `by` has requested. */
async function requested(c: Ctx, by: 'policy' | 'admin'): Promise<number> {
  const v = await draft(c);
  await requestPublication(c.app, 'discharge-reporting', v, c.headers[by]);
  return v;
}

async function draft(c: Ctx): Promise<number> {
  const def = (await c.app.inject({ url: '/api/v1/workflows/discharge-reporting', headers: c.admin })).json();
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: c.headers.policy, payload: { definition: def, note: '矩阵测试草稿' } });
  if (r.statusCode !== 201) throw new Error(`setup draft: ${r.body}`);
  return r.json().version;
}

/** A payment batch of the district in a given status, stored straight in the database (built by a third person). */
async function freshPaymentBatch(c: Ctx, status: 'draft' | 'approved' | 'exported'): Promise<string> {
  const id = newId();
  await c.app.db.insertInto('payment_batches').values({
    id, number: `MATRIX-${id}`, workflow_id: 'conscript-family-allowance', period: '2099', status, line_count: 0, total_fen: 0, standards: '[]', station_path: 'xinhe',
    created_by: 'u-district-clerk-2', created_at: new Date(), approved_by: status === 'draft' ? null : 'u-supervisor', approved_at: status === 'draft' ? null : new Date(),
    exported_at: status === 'exported' ? new Date() : null, export_sha256: null, recorded_by: null, recorded_at: null, paid_on: null, cancelled_at: null,
  }).execute();
  return id;
}

/**
 * An open confirmation run of the district, stored straight in the database (of a paying item:
 * confirming and closing use its forms).
 */
async function freshRun(c: Ctx): Promise<string> {
  const id = newId();
  await c.app.db.insertInto('confirmation_runs').values({ id, workflow_id: 'conscript-family-allowance', year: 3000 + c.seq(), status: 'open', station_path: 'xinhe', created_by: 'u-district-clerk-2', created_at: new Date(), closed_by: null, closed_at: null }).execute();
  return id;
}

let runYear = 2040;

/**
 * A pending request for a new person of the target's village, made by the other town's village
 * (straight in the database).
 */
async function freshTransfer(c: Ctx, target: 'Q' | 'S'): Promise<string> {
  const id = newId();
  const other = target === 'Q' ? 'S' : 'Q';
  const path = { Q: 'xinhe.dongcheng.qiaotou', S: 'xinhe.xishan.shanxia' } as const;
  await c.app.db.insertInto('person_transfers').values({
    id, person_id: await freshVeteran(c, target),
    from_station_id: villageOf[target], from_station_path: path[target],
    to_station_id: villageOf[other], to_station_path: path[other],
    name: '矩阵测试', status: 'pending', requested_by: other === 'Q' ? 'u-village-clerk' : 'u-xishan-clerk', requested_at: new Date(), decided_by: null, decided_at: null, decision_reason: null,
  }).execute();
  return id;
}

const batchOutcome = (r: LightMyRequestResponse): Outcome => {
  if (r.statusCode !== 200) return r.statusCode;
  const first = r.json().results[0];
  return !first ? 'nf' : first.ok ? 'ok' : `result ${first.code}` as unknown as Outcome;
};

const CELLS: Record<string, Cell> = {
  'POST /api/v1/session': async (c, _h, role) => status(await c.app.inject({ method: 'POST', url: '/api/v1/session', payload: role === 'anon' ? { username: 'nobody', password: 'demo1234' } : { username: USERNAME[role], password: 'demo1234' } })),
  'GET /api/v1/session': async (c, h) => status(await c.app.inject({ url: '/api/v1/session', headers: h })),
  'DELETE /api/v1/session': async (c, _h, role) => status(await c.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: role === 'anon' ? {} : await login(c.app, USERNAME[role]) })),
  'PUT /api/v1/session/password': async (c, h) => status(await c.app.inject({ method: 'PUT', url: '/api/v1/session/password', headers: h, payload: { currentPassword: 'demo1234', newPassword: 'short' } })),
  'GET /api/v1/workflows': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows', headers: h })),
  'GET /api/v1/workflows/:id': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting', headers: h })),
  'GET /api/v1/chain': async (c, h) => status(await c.app.inject({ url: '/api/v1/chain', headers: h })),
  'GET /api/v1/workflows/:id/versions': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting/versions', headers: h })),
  'GET /api/v1/workflows/:id/versions/:version': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1', headers: h })),
  'GET /api/v1/workflows/:id/versions/:version/export': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1/export', headers: h })),
  'GET /api/v1/workflows/:id/versions/:version/diff': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1/diff?against=1', headers: h })),
  'GET /api/v1/workflows/:id/versions/:version/paths': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1/paths', headers: h })),
  'POST /api/v1/workflows/:id/versions/:version/simulate': async (c, h) => status(await c.app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions/1/simulate', headers: h, payload: { events: [{ type: 'SUBMIT', data: dischargeIntake }] } })),
  'POST /api/v1/workflows/:id/versions': async (c, h) => {
    const def = (await c.app.inject({ url: '/api/v1/workflows/discharge-reporting', headers: c.admin })).json();
    return status(await c.app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: h, payload: { definition: def, note: '矩阵测试' } }));
  },
  'POST /api/v1/workflows/:id/versions/:version/publication-request': async (c, h, role) => {
    const v = editor(role) ? await draft(c) : 1;
    return status(await c.app.inject({ method: 'POST', url: `/api/v1/workflows/discharge-reporting/versions/${v}/publication-request`, headers: h, payload: {} }));
  },
  'POST /api/v1/workflows/:id/versions/:version/publication-request/withdraw': async (c, h, role) => {
    const v = editor(role) ? await requested(c, role as 'policy' | 'admin') : 1;
    return status(await c.app.inject({ method: 'POST', url: `/api/v1/workflows/discharge-reporting/versions/${v}/publication-request/withdraw`, headers: h }));
  },
  'POST /api/v1/workflows/:id/versions/:version/publish': async (c, h, role) => {
    // An editor approves what the other editor requested.
    const v = editor(role) ? await requested(c, role === 'policy' ? 'admin' : 'policy') : 1;
    const { draftSha256 } = (await c.app.inject({ url: `/api/v1/workflows/discharge-reporting/versions/${v}`, headers: c.admin })).json();
    return status(await c.app.inject({ method: 'POST', url: `/api/v1/workflows/discharge-reporting/versions/${v}/publish`, headers: h, payload: { draftSha256 } }));
  },
  'POST /api/v1/workflows/:id/versions/:version/discard': async (c, h, role) => {
    const v = editor(role) ? await draft(c) : 1;
    return status(await c.app.inject({ method: 'POST', url: `/api/v1/workflows/discharge-reporting/versions/${v}/discard`, headers: h }));
  },
  'GET /api/v1/workflows/:id/versions/:version/impact': async (c, h) => status(await c.app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1/impact', headers: h })),
  'POST /api/v1/workflows/:id/migrations': async (c, h) => status(await c.app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/migrations', headers: h, payload: { toVersion: 1, dryRun: true } })),
  'GET /api/v1/standards': async (c, h) => status(await c.app.inject({ url: '/api/v1/standards', headers: h })),
  'POST /api/v1/standards': async (c, h) => status(await c.app.inject({
    method: 'POST', url: '/api/v1/standards', headers: h,
    payload: { key: `matrix-${c.seq()}`, value: 100, unit: '元', effectiveFrom: '2026-01-01', policyDocument: { issuer: '新河区退役军人事务局', number: '新退役〔2026〕1号', date: '2025-12-20' }, note: '矩阵测试' },
  })),
  'GET /api/v1/jobs/:id': async (c, h) => status(await c.app.inject({ url: `/api/v1/jobs/${c.jobId}`, headers: h })),
  'POST /api/v1/persons': async (c, h, _role, target) => status(await c.app.inject({
    method: 'POST', url: '/api/v1/persons', headers: h, payload: { name: '新登记', idNumber: makeIdNumber('330102', '1979-09-09', c.seq()), stationId: villageOf[target] },
  })),
  'POST /api/v1/persons/search': async (c, h, _role, target) => seen(await c.app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: h, payload: { idNumber: c.idNumberOf[target] } }), (b) => b.items.some((p: { id: string }) => p.id === c.personOf[target])),
  'GET /api/v1/persons/:id': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/persons/${c.personOf[target]}`, headers: h })),
  'GET /api/v1/persons/:id?reveal=1': async (c, h, _role, target) => {
    const before = (await c.app.db.selectFrom('reveal_log').select('id').execute()).length;
    const r = await c.app.inject({ url: `/api/v1/persons/${c.personOf[target]}?reveal=1`, headers: h });
    const logged = (await c.app.db.selectFrom('reveal_log').select('id').execute()).length - before;
    if (logged !== (r.statusCode === 200 ? 1 : 0)) return `reveal logged ${logged} times` as unknown as Outcome;
    if (r.statusCode === 200 && r.json().idNumber !== c.idNumberOf[target]) return 'not revealed' as unknown as Outcome;
    return status(r);
  },
  'GET /api/v1/persons/:id/chain': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/persons/${c.personOf[target]}/chain`, headers: h })),
  'GET /api/v1/persons/:id/history': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/persons/${c.personOf[target]}/history`, headers: h })),
  'PATCH /api/v1/persons/:id': async (c, h, _role, target) => status(await c.app.inject({ method: 'PATCH', url: `/api/v1/persons/${await freshVeteran(c, target)}`, headers: h, payload: { changes: { name: `更正${c.seq()}` }, reason: '矩阵测试' } })),
  'GET /api/v1/person-transfers': async (c, h, _role, target) => seen(await c.app.inject({ url: '/api/v1/person-transfers', headers: h }), (b) => b.incoming.some((x: { id: string }) => x.id === c.transferOf[target])),
  'POST /api/v1/person-transfers/:id/accept': async (c, h, _role, target) => status(await c.app.inject({ method: 'POST', url: `/api/v1/person-transfers/${await freshTransfer(c, target)}/accept`, headers: h })),
  'POST /api/v1/person-transfers/:id/refuse': async (c, h, _role, target) => status(await c.app.inject({ method: 'POST', url: `/api/v1/person-transfers/${await freshTransfer(c, target)}/refuse`, headers: h, payload: { reason: '矩阵测试' } })),
  'POST /api/v1/cases': async (c, h, _role, target) => status(await c.app.inject({ method: 'POST', url: '/api/v1/cases', headers: h, payload: { workflowId: 'discharge-reporting', personId: await freshVeteran(c, target) } })),
  'GET /api/v1/cases': async (c, h, _role, target) => seen(await c.app.inject({ url: '/api/v1/cases?limit=200', headers: h }), (b) => b.items.some((x: { id: string }) => x.id === c.caseOf[target])),
  'GET /api/v1/cases/:id': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/cases/${c.caseOf[target]}`, headers: h })),
  'GET /api/v1/cases/:id?reveal=1': async (c, h, _role, target) => {
    const before = (await c.app.db.selectFrom('reveal_log').select('id').execute()).length;
    const r = await c.app.inject({ url: `/api/v1/cases/${c.caseOf[target]}?reveal=1`, headers: h });
    const logged = (await c.app.db.selectFrom('reveal_log').select('id').execute()).length - before;
    if (logged !== (r.statusCode === 200 ? 1 : 0)) return `reveal logged ${logged} times` as unknown as Outcome;
    return status(r);
  },
  'GET /api/v1/cases/:id/notices': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/cases/${c.caseOf[target]}/notices`, headers: h })),
  'GET /api/v1/notices/:code.pdf': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/notices/${c.noticeOf[target]}.pdf`, headers: h })),
  'POST /api/v1/cases/:id/events SUBMIT': event('SUBMIT', () => dischargeIntake, true),
  'POST /api/v1/cases/:id/events COMMENT': event('COMMENT', () => ({ text: '矩阵测试意见' })),
  'POST /api/v2/cases/:id/events SUBMIT': event('SUBMIT', () => dischargeIntake, true, 'v2'),
  'POST /api/v2/cases/:id/events COMMENT': event('COMMENT', () => ({ text: '矩阵测试意见' }), false, 'v2'),
  'POST /api/v1/cases/:id/events URGE': event('URGE', () => ({ text: '请尽快办理' })),
  'POST /api/v1/cases/:id/events REASSIGN': event('REASSIGN', () => ({ userId: 'u-district-clerk-2', reason: '矩阵测试' })),
  'POST /api/v1/cases/:id/events CLAIM': event('CLAIM', () => ({}), true),
  'POST /api/v1/cases/:id/events RELEASE': async (c, h, _role, target) => {
    const caseId = await freshCase(c, target);
    const claimed = await c.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: c.headers.district, payload: { type: 'CLAIM', data: {}, expectedVersion: 1 } });
    if (claimed.statusCode !== 200) throw new Error(`setup claim: ${claimed.body}`);
    return status(await c.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: h, payload: { type: 'RELEASE', data: { reason: '矩阵测试' }, expectedVersion: 2 } }));
  },
  'GET /api/v1/calendar/:year': async (c, h) => status(await c.app.inject({ url: '/api/v1/calendar/2026', headers: h })),
  'PUT /api/v1/calendar/:year': async (c, h) => status(await c.app.inject({ method: 'PUT', url: '/api/v1/calendar/2031', headers: h, payload: { source: '国务院办公厅关于2031年部分节假日安排的通知', holidays: ['2031-01-01'], workdays: [] } })),
  'GET /api/v1/cases/export': async (c, h, _role, target) => {
    const r = await c.app.inject({ url: '/api/v1/cases/export?format=csv', headers: h });
    return r.statusCode === 200 ? (r.body.includes(c.caseOf[target]) ? 'seen' : 'unseen') : r.statusCode;
  },
  'GET /api/v1/reports/stations': async (c, h) => status(await c.app.inject({ url: '/api/v1/reports/stations', headers: h })),
  'GET /api/v1/reports/bottlenecks': async (c, h) => status(await c.app.inject({ url: '/api/v1/reports/bottlenecks?from=2020-01-01&to=2040-12-31', headers: h })),
  'GET /api/v1/audit/events': async (c, h, _role, target) => seen(await c.app.inject({ url: '/api/v1/audit/events?from=2000-01-01&to=2100-12-31', headers: h }), (b) => b.items.some((e: { caseId: string }) => e.caseId === c.caseOf[target])),
  'GET /api/v1/me/urges': async (c, h) => status(await c.app.inject({ url: '/api/v1/me/urges', headers: h })),
  'GET /api/v1/supervision/queues': async (c, h) => status(await c.app.inject({ url: '/api/v1/supervision/queues', headers: h })),
  'POST /api/v1/supervision/urge': async (c, h, _role, target) => bulk(await c.app.inject({ method: 'POST', url: '/api/v1/supervision/urge', headers: h, payload: { caseIds: [c.caseOf[target]], text: '请加快办理' } })),
  'POST /api/v1/supervision/reassign': async (c, h, _role, target) => bulk(await c.app.inject({ method: 'POST', url: '/api/v1/supervision/reassign', headers: h, payload: { caseIds: [c.caseOf[target]], userId: 'u-district-clerk-2', reason: '矩阵测试' } })),
  // A fresh case each time: escalating a case already escalated reaches nobody new and is refused (ADR 0019).
  'POST /api/v1/supervision/escalate': async (c, h, _role, target) => bulk(await c.app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: h, payload: { caseIds: [await freshCase(c, target)], reason: '矩阵测试' } })),
  'POST /api/v1/workflows/:id/lint': async (c, h) => {
    const def = (await c.app.inject({ url: '/api/v1/workflows/discharge-reporting', headers: c.admin })).json();
    return status(await c.app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', headers: h, payload: { definition: def } }));
  },
  'GET /api/v1/rosters/fields': async (c, h) => status(await c.app.inject({ url: '/api/v1/rosters/fields?workflowId=conscript-family-allowance', headers: h })),
  'POST /api/v1/rosters': async (c, h, _role, target) => status(await uploadOne(c, h, target)),
  'GET /api/v1/rosters': async (c, h, _role, target) => seen(await c.app.inject({ url: '/api/v1/rosters', headers: h }), (b) => b.items.some((x: { id: string }) => x.id === c.rosterOf[target])),
  'GET /api/v1/rosters/:id': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/rosters/${c.rosterOf[target]}`, headers: h })),
  'GET /api/v1/rosters/:id/notices.pdf': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/rosters/${c.rosterOf[target]}/notices.pdf`, headers: h })),
  'POST /api/v1/rosters/:id/commit': async (c, h, _role, target) => status(await c.app.inject({ method: 'POST', url: `/api/v1/rosters/${await freshRoster(c, target)}/commit`, headers: h })),
  'DELETE /api/v1/rosters/:id': async (c, h, _role, target) => status(await c.app.inject({ method: 'DELETE', url: `/api/v1/rosters/${await freshRoster(c, target)}`, headers: h })),
  'POST /api/v1/batch-actions COMMENT': async (c, h, _role, target) => {
    const { state } = await c.app.db.selectFrom('cases').select('state').where('id', '=', c.caseOf[target]).executeTakeFirstOrThrow();
    return batchOutcome(await c.app.inject({ method: 'POST', url: '/api/v1/batch-actions', headers: h, payload: { workflowId: 'discharge-reporting', state, type: 'COMMENT', caseIds: [c.caseOf[target]], data: { text: '矩阵测试批量意见' } } }));
  },
  'GET /api/v1/batch-actions/:id': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/batch-actions/${c.batchOf[target]}`, headers: h })),
  'GET /api/v1/batch-actions/:id/notices.pdf': async (c, h, _role, target) => status(await c.app.inject({ url: `/api/v1/batch-actions/${c.batchOf[target]}/notices.pdf`, headers: h })),
  'GET /api/v1/payment-batches': async (c, h) => seen(await c.app.inject({ url: '/api/v1/payment-batches', headers: h }), (b) => b.items.some((x: { id: string }) => x.id === c.paymentBatch)),
  'GET /api/v1/payment-batches/:id': async (c, h) => status(await c.app.inject({ url: `/api/v1/payment-batches/${c.paymentBatch}`, headers: h })),
  'POST /api/v1/payment-batches': async (c, h) => status(await c.app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: h, payload: { workflowId: 'conscript-family-allowance', period: '2026' } })),
  'POST /api/v1/payment-batches/:id/approve': async (c, h) => status(await c.app.inject({ method: 'POST', url: `/api/v1/payment-batches/${await freshPaymentBatch(c, 'draft')}/approve`, headers: h })),
  'POST /api/v1/payment-batches/:id/cancel': async (c, h) => status(await c.app.inject({ method: 'POST', url: `/api/v1/payment-batches/${await freshPaymentBatch(c, 'draft')}/cancel`, headers: h })),
  'GET /api/v1/payment-batches/:id/bank-file.csv': async (c, h) => status(await c.app.inject({ url: `/api/v1/payment-batches/${await freshPaymentBatch(c, 'approved')}/bank-file.csv`, headers: h })),
  'POST /api/v1/payment-batches/:id/record': async (c, h) => status(await c.app.inject({ method: 'POST', url: `/api/v1/payment-batches/${await freshPaymentBatch(c, 'exported')}/record`, headers: h, payload: { paidOn: '2026-12-20', bankReference: 'MATRIX' } })),
  'POST /api/v1/confirmation-runs': async (c, h) => status(await c.app.inject({ method: 'POST', url: '/api/v1/confirmation-runs', headers: h, payload: { workflowId: 'conscript-family-allowance', year: ++runYear } })),
  'GET /api/v1/confirmation-runs/:id': async (c, h) => status(await c.app.inject({ url: `/api/v1/confirmation-runs/${c.run}`, headers: h })),
  'POST /api/v1/confirmation-runs/:id/confirm': async (c, h) => status(await c.app.inject({ method: 'POST', url: `/api/v1/confirmation-runs/${await freshRun(c)}/confirm`, headers: h, payload: { caseIds: [] } })),
  'POST /api/v1/confirmation-runs/:id/close': async (c, h) => status(await c.app.inject({ method: 'POST', url: `/api/v1/confirmation-runs/${await freshRun(c)}/close`, headers: h, payload: {} })),
  'GET /health': async (c, h) => status(await c.app.inject({ url: '/health', headers: h })),
  'GET /ready': async (c, h) => status(await c.app.inject({ url: '/ready', headers: h })),
  'GET /docs': async (c, h) => status(await c.app.inject({ url: '/docs', headers: h })),
  'GET /verify/:token': async (c, h) => status(await c.app.inject({ url: `/verify/${c.verifyToken}`, headers: { ...h, accept: 'application/json' } })),
  'POST /verify/:token': async (c, h) => status(await c.app.inject({ method: 'POST', url: `/verify/${c.verifyToken}`, headers: { ...h, 'content-type': 'application/pdf' }, payload: Buffer.from('%PDF-1.4 not the notice') })),
};

t.test('every route × every role × inside and outside the jurisdiction', async (t) => {
  const app = await build(t);
  const headers = Object.fromEntries(await Promise.all(Object.entries(USERNAME).map(async ([role, u]) => [role, await login(app, u)]))) as Ctx['headers'];
  let n = 100;
  const ctx: Ctx = {
    app, headers, admin: headers.admin, seq: () => ++n,
    caseOf: { Q: '', S: '' }, personOf: { Q: 'p-zhang-wei', S: '' }, idNumberOf: { Q: makeIdNumber('330102', '2002-03-15', 131), S: '' }, noticeOf: { Q: '', S: '' }, verifyToken: '', jobId: '',
    rosterOf: { Q: '', S: '' }, transferOf: { Q: '', S: '' }, batchOf: { Q: '', S: '' }, paymentBatch: '', run: '',
  };
  ctx.personOf.S = await freshVeteran(ctx, 'S');
  ctx.idNumberOf.S = (await findPerson(app.db, ctx.personOf.S, 'xinhe'))!.idNumber;
  for (const target of ['Q', 'S'] as const) {
    const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: headers.district, payload: { workflowId: 'discharge-reporting', personId: ctx.personOf[target] } });
    ctx.caseOf[target] = opened.json().id;
    const submitted = await app.inject({ method: 'POST', url: `/api/v1/cases/${ctx.caseOf[target]}/events`, headers: headers.district, payload: { type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 } });
    t.equal(submitted.statusCode, 200, `setup: case @${target} submitted`);
    const notices = (await app.inject({ url: `/api/v1/cases/${ctx.caseOf[target]}/notices`, headers: headers.district })).json().items;
    ctx.noticeOf[target] = notices[0].code;
    ctx.verifyToken = notices[0].verifyUrl.split('/verify/')[1];
  }
  ctx.jobId = newId();
  await app.db.insertInto('jobs').values({ id: ctx.jobId, kind: 'migrate-cases', status: 'succeeded', params: '{}', created_by: 'u-policy', created_at: new Date() }).execute();

  // Rosters (@Q by the village clerk, @S by the xishan clerk, committed), a batch action each clerk ran on a case
  // of their own area, the annual standard a payment batch needs, a district payment batch and confirmation run.
  for (const target of ['Q', 'S'] as const) {
    ctx.rosterOf[target] = await freshRoster(ctx, target);
    const committed = await app.inject({ method: 'POST', url: `/api/v1/rosters/${ctx.rosterOf[target]}/commit`, headers: headers[uploaderOf[target]] });
    t.equal(committed.statusCode, 201, `setup: roster @${target} committed`);
    const { state } = await app.db.selectFrom('cases').select('state').where('id', '=', ctx.caseOf[target]).executeTakeFirstOrThrow();
    const ran = await app.inject({ method: 'POST', url: '/api/v1/batch-actions', headers: headers[uploaderOf[target]], payload: { workflowId: 'discharge-reporting', state, type: 'COMMENT', caseIds: [ctx.caseOf[target]], data: { text: '矩阵测试' } } });
    t.equal(ran.statusCode, 200, `setup: batch action @${target}`);
    ctx.batchOf[target] = ran.json().id;
  }
  const standard = await app.inject({
    method: 'POST', url: '/api/v1/standards', headers: headers.policy,
    payload: { key: 'conscript-family-allowance-annual', value: 1_362_300, unit: '分/年', effectiveFrom: '2026-01-01', policyDocument: { issuer: '新河区人民政府', number: '新政办〔2026〕3号', date: '2025-12-20' }, note: '矩阵测试' },
  });
  t.equal(standard.statusCode, 201, 'setup: annual standard');
  ctx.paymentBatch = await freshPaymentBatch(ctx, 'draft');
  for (const target of ['Q', 'S'] as const) ctx.transferOf[target] = await freshTransfer(ctx, target);
  ctx.run = await freshRun(ctx);

  // Every route the service has must be in the table (a new route needs its row).
  const covered = new Set(Object.keys(MATRIX).map((k) => k.split(' ').slice(0, 2).join(' ').replace(/\?.*$/, '')));
  const missing = (await apiRoutes(app)).filter((r) => !covered.has(r));
  t.same(missing, [], 'every API route has its row in the matrix');

  t.same(rulesWithoutRow(MATRIX, RULE_OF), [], 'every route given an action has its row in the matrix');
  for (const { key, route, target, expected, disagreements } of rowsOf(MATRIX, RULE_OF, await usersOf(app))) {
    const cell = CELLS[route];
    if (!cell) throw new Error(`no request written for ${key}`);
    t.same(disagreements, [], `${key}: as the rules table has it`);
    const actual: Outcome[] = [];
    for (const role of ROLES) actual.push(await cell(ctx, role === 'anon' ? {} : headers[role], role, target));
    t.same(
      Object.fromEntries(ROLES.map((r, i) => [r, actual[i]])),
      Object.fromEntries(ROLES.map((r, i) => [r, expected[i]])),
      key,
    );
  }
});

/*
 * The pages' form posts (src/pages/): each needs the CSRF token of its browser. Outcome by rule,
 * for every POST page route there is: without the token 403 for every role (anonymous: sent to
 * the login page first, 303; the login form itself: 403); with another site's Origin 403; with
 * the right token the request gets past the check (whatever the form then says).
 */
const CSRF_REFUSAL = /页面已过期或来源不明/;

t.test('every form post of the pages × every role: CSRF token required', async (t) => {
  const app = await build(t);
  const { allRoutes } = await import('./helpers/routes.ts');
  const posts = allRoutes(app).filter((r) => r.startsWith('POST /') && !r.startsWith('POST /api/') && !r.startsWith('POST /verify/'));
  if (posts.length === 0) return t.pass('no pages registered');
  t.ok(posts.length >= 3, `${posts.length} form posts: ${posts.join(', ')}`);
  const c = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: await login(app, 'district-clerk'), payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } })).json();
  const url = (route: string) => route.split(' ')[1]!.replace(/:id/g, (_m, _offset: number, whole: string) => (whole.startsWith('/persons') ? 'p-zhang-wei' : c.id)).replace(':type', 'COMMENT');
  const headersOf = Object.fromEntries(await Promise.all(
    Object.entries(USERNAME).map(async ([role, u]) => [role, await login(app, u)]),
  ));
  for (const route of posts) {
    const expected = Object.fromEntries(ROLES.map((r) => [r, r === 'anon' && route !== 'POST /login' ? 303 : 403]));
    const actual: Record<string, number> = {};
    for (const role of ROLES) {
      const r = await app.inject({ method: 'POST', url: url(route), headers: { ...(role === 'anon' ? {} : headersOf[role]), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'text=x&username=a&password=b' });
      actual[role] = r.statusCode;
    }
    t.same(actual, expected, `${route} without a token`);
  }
  // A browser session: the csrf cookie and the token of a rendered form.
  const clerk = headersOf.district!;
  const page = await app.inject({ url: '/login', headers: clerk });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const csrfCookie = page.cookies.find((x) => x.name === 'csrf')?.value;
  t.ok(token && csrfCookie, 'a rendered form carries its token');
  for (const route of posts.filter((r) => r !== 'POST /logout')) {
    const headers = { ...clerk, cookie: `${clerk.cookie}; csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' };
    const good = await app.inject({ method: 'POST', url: url(route), headers, payload: `_csrf=${encodeURIComponent(token!)}&text=x` });
    t.notMatch(good.body, CSRF_REFUSAL, `${route}: the right token passes the check`);
    t.ok(good.statusCode < 500, `${route}: and the form is answered (${good.statusCode})`);
    const foreign = await app.inject({ method: 'POST', url: url(route), headers: { ...headers, origin: 'https://evil.example' }, payload: `_csrf=${encodeURIComponent(token!)}&text=x` });
    t.equal(foreign.statusCode, 403, `${route}: not from another site`);
    t.match(foreign.body, CSRF_REFUSAL);
    const forged = await app.inject({ method: 'POST', url: url(route), headers, payload: `_csrf=${encodeURIComponent(`${token!.slice(0, -2)}xx`)}&text=x` });
    t.equal(forged.statusCode, 403, `${route}: not with a forged token`);
    t.match(forged.body, CSRF_REFUSAL);
  }
});
