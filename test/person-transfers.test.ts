import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';
import { PageClient } from './helpers/pages.ts';
import { conscriptRows, csvBytes, multipart, ROSTER_DEFAULTS, ROSTER_HEADERS, ROSTER_MAPPING } from './helpers/rosters.ts';

/*
 * Outside a user's area a person does not exist, not even by its ID number: registering a number
 * another town holds answers as a fresh registration and becomes a transfer request to the holder.
 * Demo: 张伟, 张建国 (桥头村) and 李军 (河西社区) are in 东城镇; 赵磊 and xishan-clerk in 山下村, 西山镇.
 */
const ZHANG_WEI_ID = makeIdNumber('330102', '2002-03-15', 131);
const ZHANG_JIANGUO_ID = makeIdNumber('330102', '1975-06-01', 151);
const LI_JUN_ID = makeIdNumber('330102', '1960-01-20', 171);
const ZHAO_LEI_ID = makeIdNumber('330102', '2004-11-02', 191);

/** The answer's shape and everything in it that does not come from what was typed. */
function shape(body: Record<string, unknown>) {
  return { keys: Object.keys(body).sort(), stationId: body.stationId, idLength: String(body.id).length };
}

t.test('registration of a number held elsewhere', async (t) => {
  const app = await build(t);
  const xishan = await login(app, 'xishan-clerk');
  const village = await login(app, 'village-clerk');
  const district = await login(app, 'district-clerk');

  await t.test('answers as a fresh registration and asks the holding station, which hands the file over', async (t) => {
    const freshId = makeIdNumber('330102', '1990-02-02', 515);
    const fresh = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: xishan, payload: { name: '新来的', idNumber: freshId } });
    const held = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: xishan, payload: { name: '张伟', idNumber: ZHANG_WEI_ID } });
    t.equal(fresh.statusCode, 201);
    t.equal(held.statusCode, 201, 'no PERSON_EXISTS: outside the area the number is not known');
    t.same(shape(held.json()), shape(fresh.json()), 'the same answer, field for field');
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: xishan })).statusCode, 404, 'the file stays where it is');
    const again = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: xishan, payload: { name: '张伟', idNumber: ZHANG_WEI_ID } });
    const freshAgain = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: xishan, payload: { name: '新来的', idNumber: freshId } });
    t.same([again.statusCode, again.json().code], [freshAgain.statusCode, freshAgain.json().code], 'a second registration is a duplicate either way');

    // The holding village sees who asked and what they typed; the requester is never told where the file is.
    const incoming = (await app.inject({ url: '/api/v1/person-transfers', headers: village })).json().incoming;
    t.equal(incoming.length, 1);
    t.match(incoming[0], { status: 'pending', name: '张伟', personId: 'p-zhang-wei', toStationId: 'shanxia', idNumber: /\*{8}/ });
    const mine = (await app.inject({ url: '/api/v1/person-transfers', headers: xishan })).json();
    t.same(mine.incoming, [], 'nothing for the requester to answer');
    t.equal(mine.outgoing[0].personId, null, 'the file is not theirs yet');
    t.notMatch(JSON.stringify(mine), /qiaotou|桥头|东城|p-zhang-wei/, 'the holding station and the file are never named to the requester');
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/person-transfers/${incoming[0].id}/accept`, headers: xishan })).statusCode, 404, 'the requester cannot answer it');

    const accepted = await app.inject({ method: 'POST', url: `/api/v1/person-transfers/${incoming[0].id}/accept`, headers: village });
    t.equal(accepted.statusCode, 200, accepted.body);
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: village })).statusCode, 404, 'handed over: no longer the village’s');
    const file = (await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: xishan })).json();
    t.equal(file.stationId, 'shanxia', 'the person now belongs to the requesting village');
    t.match(file.corrections, [{ field: 'stationId', oldValue: 'qiaotou', newValue: 'shanxia', reason: /转入申请/ }], 'the move is recorded');
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/person-transfers/${incoming[0].id}/refuse`, headers: village, payload: { reason: '重复' } })).statusCode, 409, 'answered once');
  });

  await t.test('a refused request is closed with its reason; the person stays', async (t) => {
    await app.inject({ method: 'POST', url: '/api/v1/persons', headers: village, payload: { name: '赵磊', idNumber: ZHAO_LEI_ID } });
    const [asked] = (await app.inject({ url: '/api/v1/person-transfers', headers: district })).json().incoming.filter((r: { personId: string }) => r.personId === 'p-zhao-lei');
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/person-transfers/${asked.id}/refuse`, headers: district, payload: { reason: ' ' } })).statusCode, 422, 'a reason is required');
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/person-transfers/${asked.id}/refuse`, headers: district, payload: { reason: '本人仍居住在山下村' } })).statusCode, 200);
    t.match((await app.inject({ url: '/api/v1/person-transfers', headers: village })).json().outgoing, [{ status: 'refused', decisionReason: '本人仍居住在山下村' }]);
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhao-lei', headers: district })).json().stationId, 'shanxia');
  });

  await t.test('a roster row with a number held in another town reads exactly as a number never registered', async (t) => {
    const rows = conscriptRows({ rows: 2, villages: ['山下村'], seed: 7100 });
    rows[0]![2] = makeIdNumber('330102', '1960-01-20', 173);
    rows[1]![2] = LI_JUN_ID;
    rows[1]![1] = rows[0]![1]!;
    const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'list.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
    const res = await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...xishan, ...body.headers }, payload: body.payload });
    t.equal(res.statusCode, 201, res.body.slice(0, 300));
    const [never, held] = res.json().rows;
    const strip = (r: Record<string, unknown>) => ({ ...r, row: 0, idMasked: '' });
    t.same(strip(held), strip(never), 'same status, same messages, same station, no person named');
    t.notMatch(res.body, /以外|李军|河西/);
    t.equal(never.status, 'valid', 'a new conscript of 山下村, as far as the roster can tell');
    const commit = await app.inject({ method: 'POST', url: `/api/v1/rosters/${res.json().id}/commit`, headers: xishan });
    t.equal(commit.statusCode, 201, commit.body);
    t.match(commit.json(), { created: 1, newPersons: 1 }, 'the free number is registered and its case opened; the held one is asked for');
    const after = (await app.inject({ url: `/api/v1/rosters/${res.json().id}`, headers: xishan })).json().rows;
    t.match(after[1], { status: 'error', personId: null, caseId: null, errors: [{ message: /待核验/ }] });
    t.match((await app.inject({ url: '/api/v1/person-transfers', headers: district })).json().incoming.filter((r: { personId: string }) => r.personId === 'p-li-jun'), [{ toStationId: 'shanxia', status: 'pending' }]);
  });

  await t.test('the page answers a registration of a held number as any other, and shows it pending', async (t) => {
    const page = new PageClient(app);
    await page.login('xishan-clerk');
    const register = async (name: string, idNumber: string) => {
      await page.get('/persons/new');
      await page.post('/persons/new', { 'd.name': name, 'd.idNumber': idNumber, 'd.category': 'veteran' });
      return page.post('/persons/new', { 'd.name': name, 'd.idNumber': idNumber, 'd.category': 'veteran', _confirmed: idNumber });
    };
    const fresh = await register('新来者', makeIdNumber('330102', '1991-03-03', 517));
    const held = await register('张建国', ZHANG_JIANGUO_ID);
    t.equal(fresh.statusCode, 303, fresh.body.slice(0, 300));
    t.equal(held.statusCode, 303, 'not 409 “已登记”');
    t.match(String(held.headers.location), /^\/persons\/[0-9a-f-]{36}\?registered=1$/, 'the same kind of address as a new file');
    const landing = await page.get(String(held.headers.location));
    t.equal(landing.statusCode, 200);
    t.match(landing.body, /已提交登记申请，待核验/);
    t.notMatch(landing.body, /桥头|东城/, 'nothing says where the file is');
  });
});
