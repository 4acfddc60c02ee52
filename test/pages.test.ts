import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';
import { errorSummary, inputValue, PageClient, textOf, wholePdf } from './helpers/pages.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
const PDF = await wholePdf();

// Under load (shared machines) the file takes more than two minutes: the suite's per-file limit.
t.setTimeout(300_000);

t.test('pages: sessions, CSRF, language, registration, the step form, drafts, conflicts, files, office moves, supervision', async (t) => {
  const app = await build(t);

  await t.test('a page without a session goes to the login page; the API still answers 401', async (t) => {
    const res = await app.inject({ url: '/persons/p-zhang-wei' });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/login?next=%2Fpersons%2Fp-zhang-wei');
    const api = await app.inject({ url: '/api/v1/persons/p-zhang-wei' });
    t.equal(api.statusCode, 401);
    t.equal(api.json().code, 'UNAUTHENTICATED');
    const css = await app.inject({ url: '/assets/app.css' });
    t.equal(css.statusCode, 200, 'assets need no session');
    t.match(css.headers['content-type'], /text\/css/);
    t.equal((await app.inject({ url: '/assets/app.js' })).statusCode, 200);
  });

  await t.test('login: Chinese by default, English on request, errors in a summary, CSRF required', async (t) => {
    const c = new PageClient(app);
    const page = await c.get('/login');
    t.equal(page.statusCode, 200);
    t.match(page.body, '<html lang="zh-CN">');
    t.match(page.body, '用户名');
    t.match(String(page.headers['content-security-policy']), /script-src 'self'/, 'a strict CSP');
    t.notMatch(page.body, /<script>|style="/, 'no inline script or style');
    const en = await c.get('/login?lang=en');
    t.match(en.body, '<html lang="en">');
    t.match(en.body, 'User name');
    t.match((await c.get('/login')).body, 'User name', 'the choice is remembered');
    await c.get('/login?lang=zh-CN');
    await c.get('/login?lang=zh');

    const noToken = await c.post('/login', { username: 'district-clerk', password: 'demo1234' }, { csrf: null });
    t.equal(noToken.statusCode, 403, 'no token, no login');
    t.match(noToken.body, '页面已过期或来源不明');
    const forged = await c.post('/login', { username: 'district-clerk', password: 'demo1234' }, { csrf: 'x'.repeat(43) });
    t.equal(forged.statusCode, 403, 'a made-up token is refused');
    const crossSite = await c.post('/login', { username: 'district-clerk', password: 'demo1234' }, { headers: { origin: 'http://evil.example' } });
    t.equal(crossSite.statusCode, 403, 'another origin is refused');

    const wrong = await c.post('/login', { username: 'district-clerk', password: 'nope', next: '/persons/p-zhang-wei' });
    t.equal(wrong.statusCode, 401);
    t.match(errorSummary(wrong.body), '用户名或密码不正确');
    t.equal(inputValue(wrong.body, 'username'), 'district-clerk', 'the user name stays');
    const ok = await c.post('/login', { username: 'district-clerk', password: 'demo1234', next: '/persons/p-zhang-wei' });
    t.equal(ok.statusCode, 303);
    t.equal(ok.headers.location, '/persons/p-zhang-wei', 'back where the clerk was going');
    await c.follow(ok); // the login page's token was bound to the session before this one
    const offsite = await c.post('/login', { username: 'district-clerk', password: 'demo1234', next: '//evil.example/' });
    t.equal(offsite.headers.location, '/', 'never to another site');
    const home = await c.get('/');
    t.match(home.body, '我的在办案件');
    t.match(home.body, 'data-session-expires=', 'the session end is on the page for the warning');
    const extended = await c.post('/session/extend', {}, { headers: { accept: 'application/json' } });
    t.equal(extended.statusCode, 200);
    t.ok(Date.parse(extended.json().expiresAt) > Date.now(), 'the session can be kept alive');
    const out = await c.post('/logout', {});
    t.equal(out.headers.location, '/login?bye=1');
    t.equal((await c.get('/')).statusCode, 303, 'logged out');
  });

  await t.test('form bodies are for pages only: the JSON API does not take them', async (t) => {
    const headers = await login(app, 'district-clerk');
    const res = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x&idNumber=y' });
    t.equal(res.statusCode, 403);
    t.equal(res.json().code, 'CSRF_REFUSED', 'a form body with the session cookie is what a forged form sends');
  });

  const clerk = new PageClient(app);
  await clerk.login('district-clerk');
  let personId = '';

  await t.test('register a person: the ID number checked, read back, confirmed; a duplicate refused', async (t) => {
    const form = await clerk.get('/persons/new');
    t.equal(form.statusCode, 200);
    t.match(form.body, 'id="f-idNumber"');
    t.match(form.body, 'aria-describedby="f-idNumber-hint"', 'hints are tied to their fields');
    const id = makeIdNumber('330102', '1988-02-29', 412);
    const bad = await clerk.post('/persons/new', { 'd.name': '<b>刘</b>备', 'd.idNumber': `${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`, 'd.stationId': 'hexi', 'd.category': 'veteran', 'd.disabilityGrade': '三级' });
    t.equal(bad.statusCode, 422);
    const summary = errorSummary(bad.body);
    t.match(summary, '公民身份号码不正确', 'a wrong check digit');
    t.match(summary, '残疾等级', 'a grade that is not a number');
    t.match(bad.body, 'href="#f-idNumber"', 'the summary links to the field');
    t.match(textOf(bad.body, 'f-idNumber-field'), '公民身份号码不正确', 'and the message is beside it');
    t.match(bad.body, 'aria-invalid="true"');
    t.match(bad.body, 'value="三级"', 'what was typed is shown back');
    t.match(bad.body, '&lt;b&gt;刘&lt;/b&gt;备', 'and escaped');
    const check = await clerk.post('/persons/new', { 'd.name': '刘备', 'd.idNumber': id, 'd.stationId': 'hexi', 'd.category': 'veteran', 'd.soldierType': 'nco' });
    t.equal(check.statusCode, 200);
    t.match(check.body, '1988-02-29', 'birth date read from the number');
    t.match(check.body, /<dt>性别<\/dt><dd>女<\/dd>/, 'sex read from the number (the 17th digit is even)');
    t.match(check.body, `name="_confirmed" value="${id}"`);
    const done = await clerk.post('/persons/new', { 'd.name': '刘备', 'd.idNumber': id, 'd.stationId': 'hexi', 'd.category': 'veteran', 'd.soldierType': 'nco', _confirmed: id });
    t.equal(done.statusCode, 303);
    personId = /\/persons\/([^?]+)\?registered=1/.exec(String(done.headers.location))![1]!;
    const file = await clerk.follow(done);
    t.match(file.body, '登记成功');
    t.match(file.body, '330102********', 'the ID number masked');
    t.notMatch(file.body, id, 'never in full unless asked');
    t.match(file.body, '仅限现役军人家庭申请', 'an item not offered says why');
    const again = await clerk.post('/persons/new', { 'd.name': '刘备', 'd.idNumber': id, 'd.stationId': 'hexi', 'd.category': 'veteran' });
    t.equal(again.statusCode, 409);
    t.match(again.body, `/persons/${personId}`, 'a link to the person already registered');
    const search = await clerk.post('/search', { q: id });
    t.match(search.body, `/persons/${personId}`, 'found by ID number');
    t.notMatch(search.body, id, 'the number typed is not echoed back');
    t.match((await clerk.post('/search', { q: '刘' })).body, '刘备', 'found by name');
  });

  await t.test('register with family members named by ID number; an unregistered member is refused', async (t) => {
    const fatherId = makeIdNumber('330102', '1988-02-29', 412);
    const own = makeIdNumber('330102', '2012-06-01', 413);
    const base = { 'd.name': '刘禅', 'd.idNumber': own, 'd.stationId': 'hexi', 'd.category': 'family' };
    const added = await clerk.post('/persons/new', { ...base, _action: 'add:/relations' });
    t.equal(added.statusCode, 200);
    t.match(added.body, 'id="f-relations-0"', 'a family-member row to fill in');
    t.match(added.body, 'name="d.relations.0.relation"');
    t.match(added.body, 'name="_count.relations" value="1"', 'the page says how many rows it holds');
    const unknown = await clerk.post('/persons/new', { ...base, '_count.relations': '1', 'd.relations.0.idNumber': makeIdNumber('330102', '1960-01-01', 517), 'd.relations.0.relation': 'parent' });
    t.equal(unknown.statusCode, 422);
    t.match(errorSummary(unknown.body), '尚未在本辖区登记', 'the member must have a file first');
    const self = await clerk.post('/persons/new', { ...base, '_count.relations': '1', 'd.relations.0.idNumber': own, 'd.relations.0.relation': 'parent' });
    t.match(errorSummary(self.body), '不能是本人');
    const fields = { ...base, '_count.relations': '1', 'd.relations.0.idNumber': fatherId, 'd.relations.0.relation': 'parent' };
    const check = await clerk.post('/persons/new', fields);
    t.equal(check.statusCode, 200);
    const done = await clerk.post('/persons/new', { ...fields, _confirmed: own });
    t.equal(done.statusCode, 303);
    const file = await clerk.follow(done);
    t.match(file.body, new RegExp(`父母：<a href="/persons/${personId}">刘备</a>`), 'the relation is on the person file');
  });

  let caseId = '';
  await t.test('start an item, then the step form: errors beside fields and in a summary, nothing lost', async (t) => {
    const started = await clerk.post(`/persons/${personId}/cases`, { workflowId: 'discharge-reporting' });
    t.equal(started.statusCode, 303);
    caseId = /\/cases\/(.+)$/.exec(String(started.headers.location))![1]!;
    const page = await clerk.follow(started);
    t.equal(page.statusCode, 200);
    t.match(page.body, '办理：确认报到', 'the main action with its form');
    t.match(page.body, `action="/cases/${caseId}/act/SUBMIT"`);
    t.match(page.body, 'enctype="multipart/form-data"');
    t.match(page.body, 'aria-current="step"', 'where the case is on the steps');
    for (const other of ['一次性告知补正', '不予受理', '申请人撤回']) t.match(page.body, other, `offered: ${other}`);
    const version = Number(inputValue(page.body, '') ?? /name="_version" value="(\d+)"/.exec(page.body)![1]);

    const bad = await clerk.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: '0', _action: 'continue', 'd.name': '刘备', 'd.mobile': '123', 'd.placementType': 'self-employment', 'd.partyMember': 'false',
    });
    t.equal(bad.statusCode, 422);
    const summary = errorSummary(bad.body);
    t.match(summary, '手机号码', 'a bad mobile');
    t.match(summary, '报到日期', 'a missing date');
    t.match(summary, '公民身份号码', 'a missing ID number');
    t.ok(summary.indexOf('公民身份号码') < summary.indexOf('手机号码') && summary.indexOf('手机号码') < summary.indexOf('报到日期'), 'in the order of the form');
    t.equal(inputValue(bad.body, 'f-mobile'), '123', 'typed text stays');
    t.match(bad.body, /id="f-partyMember-no" name="d.partyMember" value="false" checked/, 'chosen answers stay');
    t.match(bad.body, /<option value="self-employment" selected>/);

    const guard = await clerk.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: '1', _action: 'continue', 'd.name': '刘备', 'd.idNumber': makeIdNumber('330102', '1988-02-29', 412), 'd.dischargeDate': '2026-09-05',
      'd.reportDate': '2026-09-20', 'd.soldierType': 'nco', 'd.placementType': 'self-employment', 'd.partyMember': 'false', _present: '1', 'd.materials': 'id-card',
    });
    t.equal(guard.statusCode, 422, 'the materials guard is checked before the check page');
    t.match(errorSummary(guard.body), '材料不齐全');

    const early = await clerk.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: '2', _action: 'continue', 'd.name': '刘备', 'd.idNumber': makeIdNumber('330102', '1988-02-29', 412), 'd.dischargeDate': '2026-09-05',
      'd.reportDate': '2026-09-01', 'd.soldierType': 'nco', 'd.placementType': 'self-employment', 'd.partyMember': 'false', 'd.reportedInTime': 'true', _present: '1', 'd.materials': 'id-card',
    });
    t.equal(early.statusCode, 422, 'the form\'s cross-field rules are checked before the check page');
    t.match(errorSummary(early.body), '「报到日期」不能早于「批准退出现役日期」', 'the summary names both fields');
    t.match(early.body, /<a href="#f-reportDate">「报到日期」不能早于/, 'and links to the field the rule is on');
  });

  await t.test('drafts are saved and resumed; a second clerk gets "changed by someone else", not an overwrite', async (t) => {
    const page = await clerk.get(`/cases/${caseId}/act/RETURN`);
    const version = /name="_version" value="(\d+)"/.exec(page.body)![1]!;
    const save = await clerk.postMultipart(`/cases/${caseId}/act/RETURN`, { _version: version, _draft: '0', _action: 'save', 'd.missing': 'unit-letter', 'd.note': '缺部队介绍信', 'd.deadline': '2026-12-01' });
    t.equal(save.statusCode, 303);
    t.match(String(save.headers.location), '?saved=1');
    const resumed = await clerk.get(`/cases/${caseId}/act/RETURN`);
    t.match(resumed.body, '已恢复您于', 'the draft is offered back');
    t.match(resumed.body, '缺部队介绍信');
    t.match(resumed.body, /value="unit-letter" checked/);
    const draftVersion = /name="_draft" value="(\d+)"/.exec(resumed.body)![1]!;
    t.equal(draftVersion, '1');
    t.match((await clerk.get('/')).body, `/cases/${caseId}/act/RETURN`, 'the home page lists unsent drafts');

    // Another clerk of the district records a comment in between (through the API).
    const other = await login(app, 'district-clerk-2');
    const comment = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: other, payload: { type: 'COMMENT', data: { text: '我来看一下' }, expectedVersion: Number(version) } });
    t.equal(comment.statusCode, 200);

    const cont = await clerk.postMultipart(`/cases/${caseId}/act/RETURN`, { _version: version, _draft: draftVersion, _action: 'continue', 'd.missing': 'unit-letter', 'd.note': '缺部队介绍信，请补交', 'd.deadline': '2026-12-01' });
    t.equal(cont.statusCode, 409);
    t.match(cont.body, /区局 刘洋 于 \d+月\d+日 \d\d:\d\d 记录了「填写意见」，案件现在处于「[^」]+」环节/, 'who changed it, what and when');
    t.match(cont.body, '缺部队介绍信，请补交', 'what the clerk typed is kept');
    const newVersion = /name="_version" value="(\d+)"/.exec(cont.body)![1]!;
    t.equal(Number(newVersion), Number(version) + 1, 'the form now carries the version the clerk has been shown');
    const stale = await clerk.postMultipart(`/cases/${caseId}/act/RETURN`, { _version: version, _draft: '0', _action: 'save', 'd.note': 'x' });
    t.equal(stale.statusCode, 409, 'an old tab cannot overwrite a newer draft silently');
    t.match(stale.body, '另一个窗口');

    const ok = await clerk.postMultipart(`/cases/${caseId}/act/RETURN`, { _version: newVersion, _draft: String(Number(draftVersion) + 1), _action: 'continue', 'd.missing': 'unit-letter', 'd.note': '缺部队介绍信，请补交', 'd.deadline': '2026-12-01' });
    t.equal(ok.statusCode, 303);
    t.equal(ok.headers.location, `/cases/${caseId}/act/RETURN/check`);
    const check = await clerk.follow(ok);
    t.match(check.body, '部队行政介绍信', 'check your answers names the material');
    t.match(check.body, `href="/cases/${caseId}/act/RETURN#f-note"`, 'each answer can be changed');

    // The other clerk acts again before the first confirms: the confirmation is refused, the draft kept.
    await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: other, payload: { type: 'COMMENT', data: { text: '再看一下' }, expectedVersion: Number(newVersion) } });
    const confirmStale = await clerk.post(`/cases/${caseId}/act/RETURN/check`, {});
    t.equal(confirmStale.statusCode, 409);
    t.match(confirmStale.body, '案件已被他人更新');
    t.match(confirmStale.body, '缺部队介绍信，请补交');
    const v3 = /name="_version" value="(\d+)"/.exec(confirmStale.body)![1]!;
    const again = await clerk.postMultipart(`/cases/${caseId}/act/RETURN`, { _version: v3, _draft: /name="_draft" value="(\d+)"/.exec(confirmStale.body)![1]!, _action: 'continue', 'd.missing': 'unit-letter', 'd.note': '缺部队介绍信，请补交', 'd.deadline': '2026-12-01' });
    t.equal(again.statusCode, 303);
    const sent = await clerk.post(`/cases/${caseId}/act/RETURN/check`, {});
    t.equal(sent.statusCode, 303);
    t.match(String(sent.headers.location), /\?done=\d+$/);
    const after = await clerk.follow(sent);
    t.match(after.body, '补正材料通知书', 'the notice to print');
    t.match(after.body, '/api/v1/notices/');
    const twice = await clerk.post(`/cases/${caseId}/act/RETURN/check`, {});
    t.not(twice.statusCode, 200, 'a second click does not send the step twice');
    const view = (await app.inject({ url: `/api/v1/cases/${caseId}`, headers: other })).json();
    t.equal(view.history.filter((h: { type: string }) => h.type === 'RETURN').length, 1, 'one RETURN in the history');
  });

  await t.test('files: sniffed, size-limited, recorded in the history, never served outside the jurisdiction', async (t) => {
    const page = await clerk.get(`/cases/${caseId}`);
    const version = /name="_version" value="(\d+)"/.exec(page.body)![1]!;
    const thumb = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const res = await clerk.postMultipart(`/cases/${caseId}/act/RESUBMIT`, {
      _version: version, _draft: '0', _action: 'save', 'd.materials': 'unit-letter',
      // The page's script sends a small thumbnail per file, in order (none for the PDF).
      '_thumb.file.unit-letter': ['', `data:image/jpeg;base64,${thumb.toString('base64')}`],
    }, [
      { field: 'file.unit-letter', filename: 'letter.pdf', type: 'application/pdf', bytes: PDF },
      { field: 'file.unit-letter', filename: 'photo.png', type: 'image/png', bytes: PNG },
      { field: 'file._other', filename: 'evil.png', type: 'image/png', bytes: Buffer.from('<html><script>alert(1)</script>') },
    ]);
    t.equal(res.statusCode, 422, 'a file that is not what it says is refused');
    t.match(res.body, '不是PDF、JPEG或PNG格式，或文件不完整');
    t.match(res.body, 'letter.pdf', 'the good ones are kept and shown');
    const caseView = (await app.inject({ url: `/api/v1/cases/${caseId}`, headers: await login(app, 'district-clerk') })).json();
    const attach = caseView.history.find((h: { type: string }) => h.type === 'ATTACH');
    t.match(attach, { kind: 'admin', payload: { files: [{ filename: 'letter.pdf', mime: 'application/pdf', materialId: 'unit-letter' }, { filename: 'photo.png', mime: 'image/png' }] } }, 'one history entry for the upload');
    const fileId = attach.payload.files[1].attachmentId;
    const served = await clerk.get(`/attachments/${fileId}`);
    t.equal(served.statusCode, 200);
    t.equal(served.headers['content-type'], 'image/png');
    t.same(served.rawPayload, PNG);
    const small = await clerk.get(`/attachments/${fileId}/thumb`);
    t.equal(small.statusCode, 200);
    t.equal(small.headers['content-type'], 'image/jpeg', 'the thumbnail the page made is served for lists');
    t.same(small.rawPayload, thumb);
    const outsider = new PageClient(app);
    await outsider.login('xishan-clerk');
    t.equal((await outsider.get(`/attachments/${fileId}`)).statusCode, 404, 'another town cannot fetch it');
    t.equal((await outsider.get(`/cases/${caseId}`)).statusCode, 404, 'nor see the case');
    t.equal((await app.inject({ url: `/attachments/${fileId}` })).statusCode, 303, 'nor anyone without a session');

    const big = await clerk.postMultipart(`/cases/${caseId}/attachments`, {}, [{ field: 'file._other', filename: 'big.pdf', type: 'application/pdf', bytes: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]) }]);
    t.equal(big.statusCode, 422);
    t.match(big.body, '超过10MB');
    const page2 = await clerk.get(`/cases/${caseId}`);
    t.match(page2.body, `/attachments/${fileId}/thumb`, 'images are shown as thumbnails');
    t.match(page2.body, 'class="pdf-icon"', 'PDFs as an icon');
  });

  await t.test('office moves: comment, hand over, copy; each in the history and on the right home page', async (t) => {
    let page = await clerk.get(`/cases/${caseId}`);
    let version = /name="_version" value="(\d+)"/.exec(page.body)![1]!;
    const empty = await clerk.post(`/cases/${caseId}/acts`, { _act: 'COMMENT', _version: version, text: '' });
    t.equal(empty.statusCode, 422);
    t.match(empty.body, '请填写内容');
    const comment = await clerk.post(`/cases/${caseId}/acts`, { _act: 'COMMENT', _version: version, text: '申请人下周补交' });
    t.equal(comment.statusCode, 303);
    page = await clerk.follow(comment);
    t.match(page.body, '申请人下周补交');
    version = /name="_act" value="COPY_TO"><input type="hidden" name="_version" value="(\d+)"/.exec(page.body)![1]!;
    const copy = await clerk.post(`/cases/${caseId}/acts`, { _act: 'COPY_TO', _version: version, userId: 'u-town-clerk', reason: '请知悉' });
    t.equal(copy.statusCode, 303);
    const town = new PageClient(app);
    const townHome = await town.login('town-clerk');
    t.match(townHome.body, '抄送给我的');
    t.match(townHome.body, `/cases/${caseId}`);
    page = await clerk.get(`/cases/${caseId}`);
    version = /name="_act" value="REASSIGN"><input type="hidden" name="_version" value="(\d+)"/.exec(page.body)![1]!;
    const hand = await clerk.post(`/cases/${caseId}/acts`, { _act: 'REASSIGN', _version: version, userId: 'u-district-clerk-2', reason: '休假' });
    t.equal(hand.statusCode, 303);
    const after = await clerk.follow(hand);
    t.match(after.body, '转办');
    t.match(after.body, '区局 刘洋', 'who it went to');
    const other = new PageClient(app);
    const otherHome = await other.login('district-clerk-2');
    t.match(otherHome.body, `/cases/${caseId}`, 'the new holder has it in their list');
    t.match(otherHome.body, '转给我');
  });

  await t.test('the supervisor: lists with filters, reports, chart, CSV, bulk urge; the holder sees the urge', async (t) => {
    const clerkPage = await clerk.get('/supervision');
    t.equal(clerkPage.statusCode, 403, 'not for clerks');
    const sup = new PageClient(app);
    await sup.login('supervisor');
    const all = await sup.get('/supervision?due=all');
    t.equal(all.statusCode, 200);
    t.match(all.body, '各服务站在办情况');
    t.match(all.body, '各事项在办情况');
    const decoded = all.body.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
    t.match(decoded, '/api/v1/reports/bottlenecks?from=', 'the bottleneck chart');
    t.match(decoded, 'format=csv', 'and its CSV');
    t.match(all.body, `value="${caseId}"`, 'the case is in the list');
    t.match(all.body, '刘备');
    const filtered = await sup.get('/supervision?due=all&stationId=xishan');
    t.notMatch(filtered.body, `value="${caseId}"`, 'the station filter works');
    const byItem = await sup.get('/supervision?due=all&workflowId=discharge-reporting&stepLevel=district');
    t.match(byItem.body, `value="${caseId}"`);
    const svg = await sup.get('/api/v1/reports/bottlenecks?from=2026-01-01&to=2026-12-31&format=svg');
    t.equal(svg.statusCode, 200);
    t.equal((await sup.get('/supervision?stationId=nowhere')).statusCode, 404);

    const none = await sup.post('/supervision/act', { action: 'urge', text: '请尽快', back: 'due=all' });
    t.equal(none.statusCode, 422);
    t.match(textOf(none.body, 'batch-error'), '请先在列表中勾选案件');
    const urge = await sup.post('/supervision/act', { action: 'urge', text: '请本周内办结', caseId: [caseId, 'no-such-case'], back: 'due=all' });
    t.equal(urge.statusCode, 200, 'the result page answers the post');
    t.match(textOf(urge.body, 'batch-done'), /1件已办理[\s\S]*刘备 · /, 'the urged case named by person and item');
    t.match(textOf(urge.body, 'batch-failed'), /1件未能办理[\s\S]*no-such-case：未找到/, 'the one not found, apart, with its reason');
    t.match(urge.body.replaceAll('&#x3D;', '='), 'href="/supervision?due=all"', 'back to the list as it was');
    const holder = new PageClient(app);
    const home = await holder.login('district-clerk-2');
    t.match(home.body, '催办提醒');
    t.match(home.body, '请本周内办结');
    const casePage = await sup.get(`/cases/${caseId}`);
    t.match(casePage.body, '催办', 'the case page shows what happened');
    t.match(casePage.body, '请本周内办结');
  });

  await t.test('repeating groups work without JavaScript: add and remove rows, nothing typed is lost', async (t) => {
    const c = new PageClient(app);
    await c.login('xishan-clerk');
    const person = await c.get('/persons/p-zhao-lei');
    t.match(person.body, 'value="military-family-registration"', 'offered to a serving member');
    const started = await c.post('/persons/p-zhao-lei/cases', { workflowId: 'military-family-registration' });
    const id = String(started.headers.location).split('/').pop()!;
    // The form is long: its members are asked on the section "家庭与成员" (ADR 0021).
    const section = `/cases/${id}/act/SUBMIT/section/2`;
    t.match((await c.follow(started)).body, `href="${section}"`, 'the case page lists the form\'s sections');
    const page = await c.get(section);
    t.match(page.body, 'name="_count.members" value="0"');
    const v = /name="_version" value="(\d+)"/.exec(page.body)![1]!;
    const add = await c.postMultipart(section, { _version: v, _draft: '0', _action: 'add:/members', '_count.members': '1', 'd.members.0.name': '赵父', 'd.homeAddress': '山下村8号' });
    t.equal(add.statusCode, 200);
    t.match(add.body, 'name="d.members.1.relation"', 'a second row');
    t.match(add.body, 'value="赵父"');
    t.match(add.body, 'value="山下村8号"');
    const rm = await c.postMultipart(section, { _version: v, _draft: '0', _action: 'remove:/members/0', '_count.members': '2', 'd.members.0.name': '赵父', 'd.members.1.name': '赵母' });
    t.match(rm.body, /id="f-members-0-name"[^>]*value="赵母"/, 'the second row moves up');
    t.notMatch(rm.body, '赵父');
    const cont = await c.postMultipart(section, { _version: v, _draft: '0', _action: 'continue', '_count.members': '1', 'd.members.0.name': '赵母' });
    t.equal(cont.statusCode, 422);
    t.match(errorSummary(cont.body), '家庭成员第1项：「与军人关系」为必填项', 'errors in a row say which row');
    t.match(cont.body, 'href="#f-members-0-relation"');
  });

  await t.test('the receipt: case number, materials, QR code', async (t) => {
    const r = await clerk.get(`/cases/${caseId}/receipt`);
    t.equal(r.statusCode, 200);
    t.match(r.body, caseId);
    t.match(r.body, '<svg class="qr"');
    t.match(r.body, '材料接收回执');
  });

  await t.test('English pages', async (t) => {
    const en = new PageClient(app);
    await en.get('/login?lang=en');
    await en.login('district-clerk');
    const page = await en.get(`/cases/${caseId}`);
    t.match(page.body, '<html lang="en">');
    t.match(page.body, 'Discharged soldier reporting', 'item titles in English');
    t.match(page.body, 'History');
  });
});

t.test('in demo mode the login page names the demo users and their password', async (t) => {
  const app = await build(t);
  const page = await app.inject({ url: '/login' });
  t.equal(page.statusCode, 200);
  t.match(page.body, /演示模式[^<]*demo1234/);
  const real = await build(t, { config: { demo: false } });
  t.notMatch((await real.inject({ url: '/login' })).body, /demo1234/, 'and says nothing of it otherwise');
});
