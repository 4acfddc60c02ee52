import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build } from './helpers/build.ts';
import { errorSummary, PageClient } from './helpers/pages.ts';

t.test('a family member is found by name within the clerk\'s area, picked, and recorded', async (t) => {
  const app = await build(t);
  const clerk = new PageClient(app);
  await clerk.login('village-clerk');
  await clerk.get('/persons/new');
  const own = makeIdNumber('330102', '2001-04-05', 611);
  const base = { 'd.name': '张小红', 'd.idNumber': own, 'd.category': 'family' };

  const search = await clerk.post('/persons/new', { ...base, _action: 'find-relative', _family_q: '建国' });
  t.equal(search.statusCode, 200);
  const results = /<ul class="plain-list result-list" id="family-results">([\s\S]*?)<\/ul>/.exec(search.body)?.[1] ?? '';
  t.match(results, /张建国 <span class="muted">330102\*{8}\d{3}[\dX] · 1975年生 · 桥头村/, 'found by part of the name: name, masked ID, birth year, station');
  t.notMatch(search.body, makeIdNumber('330102', '1975-06-01', 151), 'the full ID number is not in the page');
  t.match(search.body, 'value="张小红"', 'what was typed in the form is kept');
  t.match(search.body, '本辖区找到1人');

  const outside = await clerk.post('/persons/new', { ...base, _action: 'find-relative', _family_q: '赵磊' });
  t.match(outside.body, '本辖区找到0人', 'a person of another town (山下村) is not found');
  t.notMatch(outside.body, 'relative:p-zhao-lei');
  const forged = await clerk.post('/persons/new', { ...base, _action: 'relative:p-zhao-lei' });
  t.notMatch(forged.body, 'name="d.relations.0.personId"', 'nor can they be added by id');
  const empty = await clerk.post('/persons/new', { ...base, _action: 'find-relative', _family_q: ' ' });
  t.equal(empty.statusCode, 422);
  t.match(empty.body, '请输入家庭成员的姓名');

  const picked = await clerk.post('/persons/new', { ...base, _action: 'relative:p-zhang-jianguo' });
  t.equal(picked.statusCode, 200);
  t.match(picked.body, 'name="_count.relations" value="1"', 'a family-member row');
  t.match(picked.body, /<option value="p-zhang-jianguo" selected>张建国（330102\*{8}\d{3}[\dX]，1975年生，桥头村[^<）]*）<\/option>/, 'naming the picked person, not an id');

  const row = { ...base, '_count.relations': '1', 'd.relations.0.personId': 'p-zhang-jianguo', 'd.relations.0.relation': 'parent' };
  const noRelation = await clerk.post('/persons/new', { ...row, 'd.relations.0.relation': '' });
  t.equal(noRelation.statusCode, 422, 'the relation must still be said');
  const emptyRow = await clerk.post('/persons/new', { ...base, '_count.relations': '1', 'd.relations.0.relation': 'parent' });
  t.match(errorSummary(emptyRow.body), '请查找并选择家庭成员', 'a row without a member says how to fill it');
  const check = await clerk.post('/persons/new', row);
  t.equal(check.statusCode, 200, errorSummary(check.body));
  t.match(check.body, '请与身份证核对');
  const done = await clerk.post('/persons/new', { ...row, _confirmed: own });
  t.equal(done.statusCode, 303);
  const file = await clerk.follow(done);
  t.match(file.body, /父母：<a href="\/persons\/p-zhang-jianguo">张建国<\/a>/, 'the relation is on the new person file');

  const district = new PageClient(app);
  await district.login('district-clerk');
  await district.get('/persons/new');
  const wide = await district.post('/persons/new', { ...base, 'd.stationId': 'qiaotou', _action: 'find-relative', _family_q: '赵磊' });
  t.match(wide.body, /赵磊 <span class="muted">330102\*{8}\d{3}[\dX] · 2004年生 · 山下村/, 'the district finds the person of 山下村');
  const byId = await district.post('/persons/new', { ...base, 'd.stationId': 'qiaotou', _action: 'find-relative', _family_q: makeIdNumber('330102', '2004-11-02', 191) });
  t.match(byId.body, 'relative:p-zhao-lei', 'and by the full ID number too');
  t.notMatch(byId.body, `value="${makeIdNumber('330102', '2004-11-02', 191)}"`, 'which is not echoed back');
});
