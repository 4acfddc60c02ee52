import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';

t.test('registering a person reads birth date and sex from the ID number', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'village-clerk');
  const idNumber = makeIdNumber('330102', '1998-07-09', 242);
  const res = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '𠮷喆', idNumber, phone: '13912345678', attributes: { category: 'veteran', hukouType: 'rural' } } });
  t.equal(res.statusCode, 201);
  const p = res.json();
  t.equal(p.birthDate, '1998-07-09');
  t.equal(p.sex, 'female', 'an even 17th digit is female');
  t.equal(p.stationId, 'qiaotou', 'a village clerk registers into their own village');
  t.equal(p.idNumber, `330102********${idNumber.slice(-4)}`, 'ID number masked');
  t.equal(p.phone, '139****5678', 'phone masked');
  const again = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '重复', idNumber } });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'PERSON_EXISTS');
});

t.test('bad ID numbers and stations are refused with field errors', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'town-clerk');
  const good = makeIdNumber('330102', '1990-01-01', 11);
  const badCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  const r1 = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '王五', idNumber: badCheck, stationId: 'qiaotou' } });
  t.equal(r1.statusCode, 422);
  t.match(r1.json().errors[0], { path: '/idNumber', message: /校验位/ });
  const r2 = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '王五', idNumber: good, stationId: 'shanxia' } });
  t.equal(r2.statusCode, 422, 'a village outside the town');
  t.equal(r2.json().errors[0].path, '/stationId');
  const r3 = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '王五', idNumber: good } });
  t.equal(r3.statusCode, 422, 'a town clerk must name the village');
  const r4 = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '王五', idNumber: good, stationId: 'qiaotou', attributes: { shoeSize: 42 } } });
  t.equal(r4.statusCode, 422, 'unknown attributes are refused');
  const supervisor = await login(app, 'supervisor');
  const r5 = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: supervisor, payload: { name: '王五', idNumber: good, stationId: 'qiaotou' } });
  t.equal(r5.statusCode, 403, 'only clerks register persons');
  const r6 = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: { ...clerk, 'content-type': 'application/json' }, payload: '{"name": "王五", "idNumber": ' });
  t.equal(r6.statusCode, 400, 'broken JSON is a 400');
  t.equal(r6.json().code, 'BAD_REQUEST');
});

t.test('search never needs the ID number in a URL, and stays inside the jurisdiction', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const xishan = await login(app, 'xishan-clerk');
  const byName = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: village, payload: { name: '张' } });
  t.same(byName.json().items.map((p: { name: string }) => p.name).sort(), ['张伟', '张建国']);
  t.ok(byName.json().items.every((p: { idNumber: string }) => p.idNumber.includes('********')), 'masked in lists');
  const full = makeIdNumber('330102', '2002-03-15', 131);
  const byId = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: village, payload: { idNumber: full } });
  t.equal(byId.json().items[0].id, 'p-zhang-wei');
  const outside = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: xishan, payload: { idNumber: full } });
  t.same(outside.json().items, [], 'another town finds nothing');
  t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: xishan })).statusCode, 404);
});

t.test('the person file shows relations and cases; revealing is logged', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const file = (await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: clerk })).json();
  t.same(file.relations, [{ personId: 'p-zhang-jianguo', name: '张建国', relation: 'parent' }]);
  t.same(file.cases, []);
  t.match(file.idNumber, /\*{8}/);
  const revealed = (await app.inject({ url: '/api/v1/persons/p-zhang-wei?reveal=1', headers: clerk })).json();
  t.equal(revealed.idNumber, makeIdNumber('330102', '2002-03-15', 131));
  const log = await app.db.selectFrom('reveal_log').selectAll().execute();
  t.equal(log.length, 1);
  t.match(log[0], { user_id: 'u-district-clerk', subject: 'person:p-zhang-wei' });
});

t.test('a relative outside the jurisdiction is not named in the person file', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const village = await login(app, 'village-clerk');
  const idNumber = makeIdNumber('330102', '1980-04-04', 311);
  const res = await app.inject({
    method: 'POST', url: '/api/v1/persons', headers: district,
    payload: { name: '张桂兰', idNumber, stationId: 'qiaotou', attributes: { category: 'family' }, relations: [{ personId: 'p-zhang-wei', relation: 'child' }, { personId: 'p-zhao-lei', relation: 'sibling' }] },
  });
  t.equal(res.statusCode, 201, res.body);
  const id = res.json().id;
  const whole = (await app.inject({ url: `/api/v1/persons/${id}`, headers: district })).json();
  t.same(whole.relations.map((r: { personId: string }) => r.personId).sort(), ['p-zhang-wei', 'p-zhao-lei'], 'the district sees both');
  const local = (await app.inject({ url: `/api/v1/persons/${id}`, headers: village })).json();
  t.same(local.relations, [{ personId: 'p-zhang-wei', name: '张伟', relation: 'child' }], 'the village clerk sees only the relative in the area (p-zhao-lei lives in 山下村)');
});

t.test('the chain lists the items in order and where a person stands on each', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const chain = (await app.inject({ url: '/api/v1/chain', headers: clerk })).json().items;
  t.equal(chain.length, 22);
  t.same(chain.map((i: { stage: string }) => i.stage), [...Array(5).fill('enlistment'), ...Array(6).fill('service'), ...Array(11).fill('discharge')]);
  t.same(chain.map((i: { order: number }) => i.order), Array.from({ length: 22 }, (_, i) => i + 1));
  await app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } });
  const mine = (await app.inject({ url: '/api/v1/persons/p-zhang-wei/chain', headers: clerk })).json().items;
  const byId = Object.fromEntries(mine.map((i: { workflowId: string }) => [i.workflowId, i]));
  t.match(byId['discharge-reporting'], { status: 'in-progress', state: 'reception', step: { zh: '窗口报到' } });
  t.match(byId['preferential-card'], { status: 'not-applicable', reason: { zh: /建档立卡/ } });
  t.equal(byId['veteran-profile'].status, 'not-started');
});
