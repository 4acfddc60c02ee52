import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';
import { dischargeIntake } from './helpers/fixtures.ts';
import { PageClient } from './helpers/pages.ts';

/*
 * Text is normalised and control and separator characters are refused at the edge (API bodies,
 * step forms, the pages); the notices render whatever a stored name holds; and a person's
 * particulars are corrected through a recorded, jurisdiction-bound history.
 */
t.test('person text, notices and corrections', async (t) => {
  const app = await build(t);
  const village = await login(app, 'village-clerk');
  const district = await login(app, 'district-clerk');
  const xishan = await login(app, 'xishan-clerk');

  await t.test('a name with U+2028 (or a bidi override, a NUL) is refused with the field named; text is stored in NFC', async (t) => {
    for (const name of ['李\u2028四', '李\u202e四', '李\u0000四', '李\n四']) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: village, payload: { name, idNumber: makeIdNumber('330102', '1999-09-09', 611) } });
      t.equal(r.statusCode, 422, `U+${name.codePointAt(1)!.toString(16)}`);
      t.match(r.json().errors, [{ path: '/name', message: /「姓名」/ }]);
    }
    const en = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: { ...village, 'accept-language': 'en' }, payload: { name: '李\u2028四', idNumber: makeIdNumber('330102', '1999-09-09', 611) } });
    t.match(en.json().errors, [{ path: '/name', message: /^Name: contains a control or separator character \(U\+2028\)/ }]);
    const decomposed = 'Zoe\u0301';
    const ok = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: village, payload: { name: decomposed, idNumber: makeIdNumber('330102', '1999-09-09', 613) } });
    t.equal(ok.statusCode, 201);
    t.equal(ok.json().name, 'Zoé', 'NFC: one character, as typed either way');
    const comment = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } });
    const caseId = comment.json().id;
    const bad = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: district, payload: { type: 'SUBMIT', expectedVersion: 1, data: { ...dischargeIntake, name: '张\u2029伟' } } });
    t.equal(bad.statusCode, 422, 'a step form too');
    t.match(JSON.stringify(bad.json().errors), /U\+2029/);
    const multiLine = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: district, payload: { type: 'COMMENT', expectedVersion: 1, data: { text: '第一行\r\n第二行' } } });
    t.equal(multiLine.statusCode, 200, 'line breaks stay allowed in free text');
  });

  await t.test('the page gives the same error', async (t) => {
    const page = new PageClient(app);
    await page.login('village-clerk');
    await page.get('/persons/new');
    const r = await page.post('/persons/new', { 'd.name': '李\u2028四', 'd.idNumber': makeIdNumber('330102', '1999-09-09', 615), 'd.category': 'veteran' });
    t.equal(r.statusCode, 422);
    t.match(r.body, /「姓名」含有不能使用的控制字符或分隔符（U\+2028）/);
  });

  await t.test('a name that holds U+2028 anyway does not break its notices', async (t) => {
    await app.db.updateTable('persons').set({ name: '张\u2028伟' }).where('id', '=', 'p-zhang-wei').execute();
    const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } });
    const caseId = opened.statusCode === 201 ? opened.json().id : (await app.db.selectFrom('cases').select('id').where('person_id', '=', 'p-zhang-wei').where('status', '=', 'open').executeTakeFirstOrThrow()).id;
    const version = (await app.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;
    const step = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: district, payload: { type: 'SUBMIT', expectedVersion: version, data: dischargeIntake } });
    t.equal(step.statusCode, 200, step.body.slice(0, 300));
    const content = (await app.db.selectFrom('notices').select('content').where('case_id', '=', caseId).execute()).map((n) => n.content ?? '').join('\n');
    t.ok(content.length > 0, 'notices were issued');
    t.notMatch(content, /\u2028/, 'the separator became a space in the notice');
    await app.db.updateTable('persons').set({ name: '张伟' }).where('id', '=', 'p-zhang-wei').execute();
  });

  await t.test('particulars are corrected with a reason, recorded, shown masked; the ID number by district staff only', async (t) => {
    const r = await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: village, payload: { changes: { name: '张建国', phone: '13900139001', attributes: { hukouType: 'urban' } }, reason: '本人持户口簿更正' } });
    t.equal(r.statusCode, 200, r.body);
    t.same(r.json().changed, ['phone', 'attributes.hukouType'], 'only what differs is recorded');
    const file = (await app.inject({ url: '/api/v1/persons/p-zhang-jianguo', headers: village })).json();
    t.equal(file.attributes.hukouType, 'urban');
    t.match(file.corrections, [
      { field: 'phone', oldValue: '139****9000', newValue: '139****9001', reason: '本人持户口簿更正', correctedBy: { id: 'u-village-clerk' } },
      { field: 'attributes.hukouType', oldValue: 'rural', newValue: 'urban' },
    ]);
    const stored = await app.db.selectFrom('person_corrections').select(['old_value', 'new_value']).where('field', '=', 'phone').executeTakeFirstOrThrow();
    t.match(stored, { old_value: /^v1:/, new_value: /^v1:/ }, 'phones sealed at rest');
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-jianguo?reveal=1', headers: village })).json().corrections[0].newValue, '13900139001');
    const same = await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: village, payload: { changes: { name: '张建国' }, reason: '核对' } });
    t.equal(same.statusCode, 422, 'nothing to correct');
    t.equal((await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: village, payload: { changes: { name: '张建国' } } })).statusCode, 422, 'a reason is required');
    t.equal((await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: village, payload: { changes: { name: '张\u2028建国' }, reason: '更正' } })).statusCode, 422, 'corrections are checked as registrations');
    t.equal((await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: xishan, payload: { changes: { name: '张建华' }, reason: '更正' } })).statusCode, 404, 'outside the area the person does not exist');

    const newId = makeIdNumber('330102', '1975-06-02', 153);
    const byVillage = await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: village, payload: { changes: { idNumber: newId }, reason: '录入错误' } });
    t.equal(byVillage.statusCode, 403);
    t.match(byVillage.json().message, /区级/);
    const byDistrict = await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: district, payload: { changes: { idNumber: newId }, reason: '录入错误' } });
    t.equal(byDistrict.statusCode, 200, byDistrict.body);
    t.same(byDistrict.json().changed, ['idNumber', 'birthDate'], 'the birth date follows the number');
    t.equal(byDistrict.json().birthDate, '1975-06-02');
    const found = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: district, payload: { idNumber: newId } });
    t.equal(found.json().items[0].id, 'p-zhang-jianguo', 'found by the corrected number');
    const taken = await app.inject({ method: 'PATCH', url: '/api/v1/persons/p-zhang-jianguo', headers: district, payload: { changes: { idNumber: makeIdNumber('330102', '2002-03-15', 131) }, reason: '录入错误' } });
    t.equal(taken.statusCode, 409, 'a number another file holds');
    t.rejects(app.db.deleteFrom('person_corrections').execute(), 'the history is append-only');
  });

  await t.test('the person page shows the corrections and corrects through the same checks', async (t) => {
    const page = new PageClient(app);
    await page.login('village-clerk');
    const file = await page.get('/persons/p-zhang-jianguo');
    t.match(file.body, /信息更正记录/);
    t.match(file.body, /本人持户口簿更正/);
    const bad = await page.post('/persons/p-zhang-jianguo/corrections', { name: '张\u2028建国', reason: '更正' });
    t.equal(bad.statusCode, 422);
    t.match(bad.body, /「姓名」含有不能使用的控制字符或分隔符/);
    const done = await page.post('/persons/p-zhang-jianguo/corrections', { name: '张健国', reason: '身份证为“健”' });
    t.equal(done.statusCode, 303);
    t.match((await page.follow(done)).body, /身份证为“健”/);
  });
});
