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
    // Publishing: a confirmation page with the diff and impact, the request, then a second person's approval.
    const confirm = await c.post('/policy/workflows/discharge-reporting/versions/3/publish', { effectiveFrom: '' });
    t.equal(confirm.statusCode, 200);
    t.match(confirm.body, /id="diff"[\s\S]*时限由1个工作日改为2个工作日/, 'the confirmation page shows the diff');
    t.match(confirm.body, 'id="impact-summary"', 'and the impact');
    t.match(confirm.body, /<form method="post" action="\/policy\/workflows\/discharge-reporting\/versions\/3\/publish"[\s\S]*name="_csrf"[\s\S]*name="confirm" value="yes"/, 'a second POST, with CSRF, confirms');
    t.equal((await c.post('/policy/workflows/discharge-reporting/versions/3/publish', { confirm: 'yes' }, { csrf: null })).statusCode, 403, 'not without the token');
    const asked = await c.post('/policy/workflows/discharge-reporting/versions/3/publish', { confirm: 'yes', effectiveFrom: '' });
    t.equal(asked.statusCode, 303);
    const waiting = await c.follow(asked);
    t.match(waiting.body, '已申请发布第3版');
    t.match(waiting.body, /id="pending-request"[^>]*>[^<]*孙磊/, 'the request names its requester');
    t.notMatch(waiting.body, 'id="approve-form"', 'the requester is not offered the approval');
    t.match(waiting.body, /id="in-force">第1版/, 'nothing is published yet');
    const own = await c.post('/policy/workflows/discharge-reporting/versions/3/publish/approve', {});
    t.equal(own.statusCode, 403, 'the requester cannot approve their own request');
    t.match(own.body, '不能审批自己的申请');

    const b = new PageClient(app);
    await b.login('policy-2');
    const theirs = await b.get('/policy/workflows/discharge-reporting?version=3');
    t.match(theirs.body, 'id="approve-form"', 'a second policy user is offered the approval');
    const check = await b.post('/policy/workflows/discharge-reporting/versions/3/publish/approve', {});
    t.equal(check.statusCode, 200);
    t.match(check.body, /id="requested-by">区局 孙磊/, 'the approver sees who asked');
    t.match(check.body, /id="diff"[\s\S]*时限由1个工作日改为2个工作日/, 'and what they approve');
    const sha = /name="draftSha256" value="([0-9a-f]{64})"/.exec(check.body)?.[1];
    t.ok(sha, 'the page carries the sha256 of the draft shown');
    const done = await b.post('/policy/workflows/discharge-reporting/versions/3/publish/approve', { confirm: 'yes', draftSha256: sha });
    t.equal(done.statusCode, 303);
    const after = await b.follow(done);
    t.match(after.body, /id="in-force">第3版/, 'version 3 is in force');
    t.match(after.body, '已发布第3版');
    t.match(after.body, /id="versions"[\s\S]*孙磊（政策） · [\d-]+ [\d:]+<\/td><td>区局 钱芳（政策） · /, 'the version list names the requester and the approver, with their times');
    t.match(after.body, /id="version-history"[\s\S]*申请发布[\s\S]*审批并发布/, 'and so does the version\'s history');
    const list = await c.get('/policy');
    t.match(list.body, /草稿第2版/, 'the broken draft is still listed');
  });

  await t.test('a draft is discarded after a confirmation; running cases are moved after their dry run', async (t) => {
    const c = new PageClient(app);
    await c.login('policy');
    const def = (await app.inject({ url: '/api/v1/workflows/discharge-reporting/versions/1', headers: await login(app, 'policy') })).json().definition;
    const saved = await c.post('/policy/workflows/discharge-reporting/drafts', { definition: JSON.stringify(def), note: '将要废弃的草稿' });
    const v = Number(/version=(\d+)/.exec(String(saved.headers.location))?.[1]);
    const ask = await c.post(`/policy/workflows/discharge-reporting/versions/${v}/discard`, {});
    t.equal(ask.statusCode, 200);
    t.match(ask.body, '废弃后此草稿不能再发布');
    const gone = await c.follow(await c.post(`/policy/workflows/discharge-reporting/versions/${v}/discard`, { confirm: 'yes' }));
    t.match(gone.body, `第${v}版草稿已废弃`);
    t.match(gone.body, /id="versions"[\s\S]*已废弃/, 'listed as discarded');
    t.notMatch((await c.get('/policy')).body, `草稿第${v}版`, 'and no longer among the drafts');

    // A case on version 1, moved to version 3 (in force) from the page.
    const clerk = await login(app, 'district-clerk');
    const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'discharge-reporting', personId: 'p-li-jun' } });
    await app.db.updateTable('cases').set({ workflow_version: 1 }).where('id', '=', opened.json().id).execute();
    const editor = await c.get('/policy/workflows/discharge-reporting');
    t.match(editor.body, 'id="migrate-form"', 'the version in force offers to move the cases on older versions');
    const dry = await c.post('/policy/workflows/discharge-reporting/migrations', { toVersion: '3' });
    t.equal(dry.statusCode, 200);
    t.match(dry.body, /id="plan"[\s\S]*退报-\d{4}-\d{5}[\s\S]*将迁移/, 'the dry run names the case by its number and its fate');
    t.equal((await app.inject({ url: `/api/v1/cases/${opened.json().id}`, headers: clerk })).json().workflowVersion, 1, 'a dry run moves nothing');
    const run = await c.post('/policy/workflows/discharge-reporting/migrations', { toVersion: '3', confirm: 'yes' });
    t.equal(run.statusCode, 303);
    await app.jobs.drain();
    const result = await c.follow(run);
    t.match(result.body, /id="migration"[^>]*>迁移已完成：已迁移1件/);
    t.equal((await app.inject({ url: `/api/v1/cases/${opened.json().id}`, headers: clerk })).json().workflowVersion, 3, 'the case is on version 3');
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
  t.equal((await c.post('/policy/workflows/discharge-reporting/versions/1/publish', {})).statusCode, 409, 'a published version cannot be published again');
  t.equal((await c.post('/policy/workflows/discharge-reporting/versions/1/discard', {})).statusCode, 409, 'nor discarded');
  t.equal((await c.post('/policy/workflows/discharge-reporting/migrations', { toVersion: 'x' })).statusCode, 404);
});
