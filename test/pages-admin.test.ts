import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, OWN_ORIGIN } from './helpers/build.ts';
import { errorSummary, PageClient, textOf } from './helpers/pages.ts';

t.setTimeout(120_000);

async function apiLogin(app: Awaited<ReturnType<typeof build>>, username: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
}

/** The text of a whole table, by id (textOf reads only the first 2,000 characters). */
function tableText(html: string, id: string): string {
  const m = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html);
  return m ? m[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

function userIdOf(html: string, username: string): string {
  const row = new RegExp(`<tr id="user-${username}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  return /action="\/admin\/users\/([^/"]+)\/status"/.exec(row)?.[1] ?? '';
}

t.test('the admin page: users and stations', async (t) => {
  const app = await build(t);

  await t.test('an admin sees users, stations, both forms and the menu link', async (t) => {
    const c = new PageClient(app);
    await c.login('admin');
    const res = await c.get('/admin');
    t.equal(res.statusCode, 200);
    t.match(tableText(res.body, 'users'), 'village-clerk');
    t.match(tableText(res.body, 'users'), '桥头村 王芳');
    t.match(tableText(res.body, 'stations'), '东城镇退役军人服务站');
    t.match(res.body, 'action="/admin/users"');
    t.match(res.body, 'action="/admin/stations"');
    t.match(res.body, /href="\/admin" aria-current="page"/, 'the menu has the admin link');
    t.notMatch(/<tr id="user-admin">[\s\S]*?<\/tr>/.exec(res.body)?.[0] ?? '', '/status"', 'no disable button for oneself');
  });

  await t.test('a clerk gets 403 and no menu link', async (t) => {
    const c = new PageClient(app);
    const home = await c.login('district-clerk');
    t.notMatch(/<nav class="nav"[\s\S]*?<\/nav>/.exec(home.body)?.[0] ?? '', 'href="/admin"');
    const res = await c.get('/admin');
    t.equal(res.statusCode, 403);
    const post = await c.post('/admin/users', { username: 'sneaky', displayName: '越权', role: 'admin', stationId: 'xinhe', password: 'abcdefghijkl' });
    t.equal(post.statusCode, 403);
    t.equal((await apiLogin(app, 'sneaky', 'abcdefghijkl')).statusCode, 401);
  });

  await t.test('adding a user: the new user logs in; a duplicate is refused; disabling stops the login', async (t) => {
    const c = new PageClient(app);
    await c.login('admin');
    await c.get('/admin');
    const res = await c.post('/admin/users', { username: 'nanshan-clerk', displayName: '南山 赵六', role: 'clerk', stationId: 'dongcheng', password: 'long-enough-1' });
    t.equal(res.statusCode, 303);
    const page = await c.follow(res);
    t.match(page.body, '已添加用户');
    t.match(textOf(page.body, 'user-nanshan-clerk'), '南山 赵六');
    const login = await apiLogin(app, 'nanshan-clerk', 'long-enough-1');
    t.equal(login.statusCode, 200, 'the new user logs in');

    const dup = await c.post('/admin/users', { username: 'nanshan-clerk', displayName: '另一人', role: 'clerk', stationId: 'xinhe', password: 'long-enough-2' });
    t.equal(dup.statusCode, 422);
    t.match(errorSummary(dup.body), '用户名“nanshan-clerk”已存在');
    t.match(dup.body, /id="u-username-error"[^>]*>[\s\S]*?已存在/, 'the message beside the field');
    t.match(dup.body, /id="u-username"[^>]*aria-invalid="true"/);

    const short = await c.post('/admin/users', { username: 'shorty', displayName: '短', role: 'clerk', stationId: 'xinhe', password: 'short' });
    t.equal(short.statusCode, 422);
    t.match(short.body, '初始密码至少10个字符');
    t.equal((await apiLogin(app, 'shorty', 'short')).statusCode, 401);

    const id = userIdOf(page.body, 'nanshan-clerk');
    t.ok(id, 'a disable button for the user');
    const off = await c.post(`/admin/users/${id}/status`, { disabled: '1' });
    t.equal(off.statusCode, 303);
    const after = await c.follow(off);
    t.match(textOf(after.body, 'user-nanshan-clerk'), '已停用');
    t.equal((await apiLogin(app, 'nanshan-clerk', 'long-enough-1')).statusCode, 401, 'a disabled user cannot log in');
    const session = login.cookies.find((k) => k.name === 'sid')!;
    t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei', headers: { cookie: `sid=${session.value}` } })).statusCode, 401, 'their session ends too');

    const on = await c.post(`/admin/users/${id}/status`, { disabled: '0' });
    t.equal(on.statusCode, 303);
    t.equal((await apiLogin(app, 'nanshan-clerk', 'long-enough-1')).statusCode, 200, 'enabled again');
  });

  await t.test('an admin cannot disable themself', async (t) => {
    const c = new PageClient(app);
    await c.login('admin');
    await c.get('/admin');
    const res = await c.post('/admin/users/u-admin/status', { disabled: '1' });
    t.equal(res.statusCode, 422);
    t.match(errorSummary(res.body), '不能停用您自己的账户');
    t.equal((await apiLogin(app, 'admin', 'demo1234')).statusCode, 200);
  });

  await t.test('a village under a town: the town clerk registers a person there', async (t) => {
    const c = new PageClient(app);
    await c.login('admin');
    await c.get('/admin');
    const res = await c.post('/admin/stations', { parentId: 'dongcheng', id: 'nanshan', nameZh: '南山村退役军人服务站', nameEn: 'Nanshan Village Station' });
    t.equal(res.statusCode, 303);
    const page = await c.follow(res);
    const row = textOf(page.body, 'station-nanshan');
    t.match(row, '南山村退役军人服务站');
    t.match(row, '村（社区）');
    t.match(row, '东城镇退役军人服务站');
    const s = await app.db.selectFrom('stations').selectAll().where('id', '=', 'nanshan').executeTakeFirstOrThrow();
    t.same({ level: s.level, path: s.path, parent: s.parent_id }, { level: 'village', path: 'xinhe.dongcheng.nanshan', parent: 'dongcheng' });

    const clerk = await apiLogin(app, 'town-clerk', 'demo1234');
    const cookie = `sid=${clerk.cookies.find((k) => k.name === 'sid')!.value}`;
    const person = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: { cookie, origin: OWN_ORIGIN }, payload: { name: '南山 孙七', idNumber: makeIdNumber('330102', '1991-03-04', 77), stationId: 'nanshan' } });
    t.equal(person.statusCode, 201, person.body);
    t.equal(person.json().stationId, 'nanshan');

    const under = await c.post('/admin/stations', { parentId: 'nanshan', id: 'too-deep', nameZh: '太深', nameEn: 'Too deep' });
    t.equal(under.statusCode, 422, 'nothing under a village');
    t.match(under.body, '村（社区）站点下不能再设站点');
  });

  await t.test('bad and duplicate station ids are refused beside the field', async (t) => {
    const c = new PageClient(app);
    await c.login('admin');
    await c.get('/admin');
    for (const id of ['Nanshan', '1abc', 'has space', 'under_score', '']) {
      const res = await c.post('/admin/stations', { parentId: 'xinhe', id, nameZh: '测试镇', nameEn: 'Test town' });
      t.equal(res.statusCode, 422, `refused: "${id}"`);
      t.match(res.body, /id="s-id-error"/);
    }
    const bad = await c.post('/admin/stations', { parentId: 'xinhe', id: 'Bad_ID', nameZh: '测试镇', nameEn: 'Test town' });
    t.match(bad.body, '站点编号须以小写字母开头');
    t.match(bad.body, 'value="测试镇"', 'what was typed is kept');
    const dup = await c.post('/admin/stations', { parentId: 'xinhe', id: 'qiaotou', nameZh: '重复', nameEn: 'Duplicate' });
    t.equal(dup.statusCode, 422);
    t.match(errorSummary(dup.body), '站点编号“qiaotou”已存在');
    const noName = await c.post('/admin/stations', { parentId: 'xinhe', id: 'no-name', nameZh: '', nameEn: '' });
    t.equal(noName.statusCode, 422);
    t.match(noName.body, '请填写中文名称');
    t.notOk(await app.db.selectFrom('stations').select('id').where('id', 'in', ['no-name', 'bad_id', 'nanshan-x']).executeTakeFirst(), 'nothing stored');
  });

  await t.test('every POST needs the CSRF token', async (t) => {
    const c = new PageClient(app);
    await c.login('admin');
    await c.get('/admin');
    const u = await c.post('/admin/users', { username: 'no-token', displayName: '无令牌', role: 'clerk', stationId: 'xinhe', password: 'long-enough-3' }, { csrf: null });
    t.equal(u.statusCode, 403);
    t.match(u.body, '页面已过期或来源不明');
    const s = await c.post('/admin/stations', { parentId: 'xinhe', id: 'no-token', nameZh: '无令牌', nameEn: 'No token' }, { csrf: null });
    t.equal(s.statusCode, 403);
    const d = await c.post('/admin/users/u-village-clerk/status', { disabled: '1' }, { csrf: null });
    t.equal(d.statusCode, 403);
    t.equal((await apiLogin(app, 'no-token', 'long-enough-3')).statusCode, 401);
    t.notOk(await app.db.selectFrom('stations').select('id').where('id', '=', 'no-token').executeTakeFirst());
    t.equal((await apiLogin(app, 'village-clerk', 'demo1234')).statusCode, 200, 'not disabled');
  });
});
