import t from 'tap';
import { build, login } from './helpers/build.ts';
import { errorSummary, PageClient } from './helpers/pages.ts';

t.setTimeout(120_000);

t.test('policy editor pages: list, editor, read-only for others, CSRF, diagram, lint, draft, diff, publish', async (t) => {
  const app = await build(t);

  await t.test('the list of the 22 items with their version in force', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    const res = await c.get('/policy');
    t.equal(res.statusCode, 200);
    t.equal((res.body.match(/href="\/policy\/workflows\/[a-z-]+"/g) ?? []).length, 22, 'every item links to its editor');
    t.match(res.body, '退役士兵报到接收');
    t.match(res.body, '第1版');
    t.match(res.body, /href="\/policy" aria-current="page"/, 'the menu has the policy link');
  });

  await t.test('the editor for policy staff: the JSON, a draft form with CSRF, the diagram with every state', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    const res = await c.get('/policy/workflows/discharge-reporting');
    t.equal(res.statusCode, 200);
    t.match(res.body, /<textarea id="definition" name="definition" class="code-editor"[^>]*>\{/, 'the definition in an editable textarea');
    t.notMatch(res.body, /<textarea id="definition"[^>]*readonly/);
    t.match(res.body, 'action="/policy/workflows/discharge-reporting/drafts"');
    t.match(res.body, 'name="_csrf"');
    t.match(res.body, 'src="/assets/policy-editor.js"');
    t.match(res.body, 'data-lint-url="/api/v1/workflows/discharge-reporting/lint"');
    const svg = /<svg[\s\S]*?<\/svg>/.exec(res.body)?.[0] ?? '';
    for (const s of ['reception', 'awaitingMaterials', 'archiveCheck', 'completed', 'notAccepted', 'withdrawn']) t.match(svg, `data-state="${s}"`, `the diagram has ${s}`);
    t.match(svg, '时限 1个工作日');
    const js = await app.inject({ url: '/assets/policy-editor.js' });
    t.equal(js.statusCode, 200);
  });

  await t.test('a form preview for a step and event', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    const res = await c.get('/policy/workflows/discharge-reporting?preview=reception:SUBMIT');
    t.equal(res.statusCode, 200);
    t.match(res.body, 'id="form-preview"');
    t.match(res.body, /<label[^>]*for="f-name"/, 'the intake form rendered with labelled fields');
    t.match(res.body, '退出现役证', 'materials by their titles');
  });

  await t.test('read only for a clerk: no form, no publish, and posting is refused', async (t) => {
    const c = new PageClient(app);
    await c.login('district-clerk');
    const res = await c.get('/policy/workflows/discharge-reporting');
    t.equal(res.statusCode, 200);
    t.match(res.body, /<textarea id="definition"[^>]*readonly/, 'the textarea is read-only');
    t.notMatch(res.body, 'action="/policy/workflows/discharge-reporting/drafts"');
    t.notMatch(res.body, '/publish"');
    t.notMatch(/<nav class="nav"[\s\S]*?<\/nav>/.exec(res.body)?.[0] ?? '', 'href="/policy"', 'no menu link for a clerk');
    const def = (await app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1', headers: await login(app, 'policy') })).json().definition;
    const post = await c.post('/policy/workflows/discharge-reporting/drafts', { definition: JSON.stringify(def), note: '越权修改' });
    t.equal(post.statusCode, 403);
  });

  await t.test('a POST without the CSRF token is refused', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    await c.get('/policy/workflows/discharge-reporting');
    const res = await c.post('/policy/workflows/discharge-reporting/drafts', { definition: '{}', note: '没有令牌' }, { csrf: null });
    t.equal(res.statusCode, 403);
    t.match(res.body, '页面已过期或来源不明');
    const pub = await c.post('/policy/workflows/discharge-reporting/versions/1/publish', {}, { csrf: null });
    t.equal(pub.statusCode, 403);
    const versions = (await app.inject({ url: '/api/v1/workflows/discharge-reporting/versions', headers: await login(app, 'policy') })).json().versions;
    t.equal(versions.length, 1, 'nothing stored');
  });

  await t.test('the lint endpoint: findings with JSON paths for a broken definition, none for a sound one', async (t) => {
    const policy = await login(app, 'policy');
    const def = (await app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1', headers: policy })).json().definition;
    const ok = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', headers: policy, payload: { definition: def } });
    t.equal(ok.statusCode, 200);
    t.same(ok.json().findings, []);
    const broken = structuredClone(def);
    broken.machine.states.reception.on.RETURN.target = 'nowhere';
    delete broken.machine.states.archiveCheck.meta.step;
    const bad = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', headers: policy, payload: { definition: broken } });
    t.equal(bad.statusCode, 200);
    const findings = bad.json().findings as { path: string; message: string }[];
    t.ok(findings.length >= 1, `findings: ${JSON.stringify(findings).slice(0, 400)}`);
    t.ok(findings.every((f) => f.path.startsWith('$')), 'each with a JSON path');
    t.ok(findings.some((f) => f.path.startsWith('$.machine.states.')), 'pointing into the states');
    const wrongId = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', headers: policy, payload: { definition: { ...def, id: 'other' } } });
    t.equal(wrongId.json().findings[0].path, '$.id');
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', payload: { definition: def } })).statusCode, 401);
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', headers: policy, payload: { definition: 'x' } })).statusCode, 422, 'a definition must be an object');
  });

  await t.test('saving: bad JSON and a missing note come back in the error summary; a broken draft cannot be published; a sound one can', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    await c.get('/policy/workflows/discharge-reporting');
    const bad = await c.post('/policy/workflows/discharge-reporting/drafts', { definition: '{"id": ', note: '' });
    t.equal(bad.statusCode, 422);
    t.match(errorSummary(bad.body), /JSON 语法错误（第 \d+ 行第 \d+ 列）/);
    t.notMatch(bad.body, '未发现问题', 'a text that does not parse is not said to be clean');
    t.match(bad.body, /id="json-view"[\s\S]*class="json-line-bad"/, 'the line is shown, numbered');
    t.match(errorSummary(bad.body), '请填写修改说明');
    t.match(bad.body, '{&quot;id&quot;: </textarea>', 'the text is kept');

    const def = (await app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1', headers: await login(app, 'policy') })).json().definition;
    const broken = structuredClone(def);
    broken.machine.states.reception.on.RETURN.target = 'nowhere';
    const saved = await c.post('/policy/workflows/discharge-reporting/drafts', { definition: JSON.stringify(broken), note: '坏草稿' });
    t.equal(saved.statusCode, 303);
    t.match(saved.headers.location, '/policy/workflows/discharge-reporting?version=2');
    const page = await c.follow(saved);
    t.match(page.body, /id="findings"[\s\S]*?\$\.machine\.states\.reception\.on\.RETURN\.target/, 'findings with their paths');
    const pub = await c.post('/policy/workflows/discharge-reporting/versions/2/publish', {});
    t.equal(pub.statusCode, 422);
    t.match(pub.body, /id="publish-errors"[\s\S]*草稿未通过检查[\s\S]*\$\.machine\.states\.reception\.on\.RETURN\.target/, 'the 422 findings are shown');

    const changed = structuredClone(def);
    changed.machine.states.reception.meta.sla.workingDays = 2;
    const good = await c.post('/policy/workflows/discharge-reporting/drafts', { definition: JSON.stringify(changed), note: '延长报到时限', issuer: '新河区退役军人事务局', number: '新退役〔2026〕9号', date: '2026-11-01' });
    t.equal(good.statusCode, 303);
    const draft = await c.follow(good);
    t.match(draft.body, /id="diff"[\s\S]*时限由1个工作日改为2个工作日/, 'the diff against the version in force');
    t.match(draft.body, 'id="impact-summary"');
    t.match(draft.body, '新退役〔2026〕9号');
    const done = await c.post('/policy/workflows/discharge-reporting/versions/3/publish', {});
    t.equal(done.statusCode, 303);
    const after = await c.follow(done);
    t.match(after.body, /id="in-force">第3版/, 'version 3 is in force');
    t.match(after.body, '已发布第3版');
    const list = await c.get('/policy');
    t.match(list.body, /草稿第2版/, 'the broken draft is still listed');
  });

  await t.test('English', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    const res = await c.get('/policy/workflows/discharge-reporting?lang=en');
    t.match(res.body, 'Definition (JSON)');
    t.match(res.body, '2 working days', 'the version in force, in English');
  });
});

t.test('odd addresses answer 404, not 500', async (t) => {
  const app = await build(t);
  const c = new PageClient(app);
  await c.login('policy');
  t.equal((await c.get('/policy/workflows/no-such-item')).statusCode, 404);
  t.equal((await c.get('/policy/workflows/Bad%20Id')).statusCode, 404);
  t.equal((await c.get('/policy/workflows/discharge-reporting?version=99')).statusCode, 404);
  t.equal((await c.get('/policy/workflows/discharge-reporting?version=99999999999&preview=__proto__:constructor')).statusCode, 200, 'an absurd version shows the one in force');
  await c.get('/policy/workflows/discharge-reporting');
  t.equal((await c.post('/policy/workflows/discharge-reporting/versions/99999999999/publish', {})).statusCode, 404);
  t.equal((await c.post('/policy/workflows/discharge-reporting/versions/7/publish', {})).statusCode, 404);
  t.equal((await c.post('/policy/workflows/discharge-reporting/versions/1/publish', {})).statusCode, 422, 'a published version cannot be published again');
});
