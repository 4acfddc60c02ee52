import t from 'tap';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { openCase } from './helpers/fixtures.ts';

t.setTimeout(180_000);

t.test('policy staff change an item in the browser: edit the JSON, check, save a draft, see diagram and diff, publish with a second user; new cases run on it', { skip: chromiumMissing }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = watchConsole(page);

  await logIn(page, base, 'policy');

  await page.getByRole('link', { name: '政策配置' }).first().click();
  await page.waitForURL(/\/policy$/);
  t.equal(await page.locator('#policy-items tbody tr').count(), 22, 'the 22 items');
  await page.getByRole('link', { name: /退役士兵报到接收/ }).click();
  await page.waitForURL(/\/policy\/workflows\/discharge-reporting$/);
  t.equal((await page.locator('#in-force').innerText()).trim(), '第1版');

  const editor = page.getByLabel('流程定义（JSON）');
  const def = JSON.parse(await editor.inputValue()) as {
    materials: { id: string; title: { zh: string; en: string }; required: boolean; originalSeen?: boolean }[];
    forms: Record<string, { properties: Record<string, { items?: { enum?: string[] } }> }>;
    machine: {
      states: Record<string, {
        meta: { sla?: { workingDays: number }; materials?: string[] }; on?: Record<string, { target?: string }>;
      }>;
    };
  };
  t.equal(def.machine.states.reception!.meta.sla!.workingDays, 1);

  // Checked as it is typed: a syntax error, then a broken reference with its JSON path.
  const live = page.locator('#live-lint');
  await editor.fill('{"id": "discharge-reporting",');
  await live.getByText('JSON 语法错误').waitFor();
  const broken = structuredClone(def);
  broken.machine.states.reception!.on!.RETURN!.target = 'nowhere';
  await editor.fill(JSON.stringify(broken, null, 2));
  await live.getByText('$.machine.states.reception.on.RETURN.target').waitFor();
  t.match(await live.innerText(), /发现\d+个问题[\s\S]*「窗口报到」环节的「一次性告知补正」操作（第\d+行）：环节 "nowhere" 不存在/, 'the finding names its move, line and JSON path');

  // The change: the reception step takes two working days, and a new required material.
  def.machine.states.reception!.meta.sla!.workingDays = 2;
  def.materials.push({ id: 'reporting-form', title: { zh: '退役士兵报到登记表', en: 'Reporting registration form' }, required: true, originalSeen: true });
  def.machine.states.reception!.meta.materials!.push('reporting-form');
  def.forms.intake!.properties.materials!.items!.enum!.push('reporting-form');
  await editor.fill(JSON.stringify(def, null, 2));
  await live.getByText('实时检查：未发现问题').waitFor();

  await page.getByLabel('修改说明').fill('报到时限延长至2个工作日，增收报到登记表');
  await page.getByLabel('发文机关').fill('新河区退役军人事务局');
  await page.getByLabel('文号').fill('新退役〔2026〕12号');
  await page.getByLabel('成文日期').fill('2026-11-20');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForURL(/version=2/);
  t.match(await page.locator('#findings').innerText(), '未发现问题', 'the draft is clean');

  // The diagram and the diff.
  const diagram = page.locator('#diagram svg');
  t.equal(await diagram.locator('g.state').count(), Object.keys(def.machine.states).length, 'a box per state');
  t.match(await diagram.locator('g.state[data-state="reception"]').textContent(), '时限 2个工作日', 'the new limit is in the box');
  const diff = await page.locator('#diff').innerText();
  t.match(diff, '「窗口报到」时限由1个工作日改为2个工作日', 'the diff lists the changed deadline');
  t.match(diff, '新增必交材料「退役士兵报到登记表」', 'and the added material');
  t.match(await page.locator('#impact-summary').innerText(), /在办\d+件/, 'the impact report');

  // A form preview of a step.
  await page.getByLabel('环节和操作').selectOption('reception:SUBMIT');
  await page.getByRole('button', { name: '预览' }).click();
  await page.locator('#form-preview').waitFor();
  t.match(await page.locator('#form-preview').innerText(), '退役士兵报到登记表', 'the intake form lists the new material');

  const found = await axeViolations(page);
  t.same(found, [], 'editor: no accessibility violations');
  await page.locator('#editor-title').scrollIntoViewIfNeeded();
  await screenshot(page, 'policy-editor', { key: true, fullPage: false });

  // Publishing takes two: this user requests it after a confirmation, a second policy user approves.
  await page.getByRole('button', { name: '申请发布第2版…' }).click();
  await page.getByRole('button', { name: '确认申请发布' }).click();
  await page.waitForURL(/done=requested/);
  const second = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' })).newPage();
  await logIn(second, base, 'policy-2');
  await second.goto(`${base}/policy/workflows/discharge-reporting?version=2`);
  await second.getByRole('button', { name: '核对并审批…' }).click();
  await second.getByRole('button', { name: '批准并发布第2版' }).click();
  await second.waitForURL(/done=published/);
  t.match(await second.locator('#publication-done').innerText(), '已发布第2版');
  await page.reload();
  t.equal((await page.locator('#in-force').innerText()).trim(), '第2版', 'the page shows version 2 in force');

  // A district clerk opens a new case: it runs on version 2.
  const clerk = await login(app, 'district-clerk');
  const opened = await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei');
  t.equal(opened.statusCode, 201, opened.body.slice(0, 300));
  t.equal(opened.json().workflowVersion, 2, 'the new case runs on version 2');

  await page.goto(`${base}/policy`);
  t.match(await page.locator('#policy-items tbody tr', { hasText: '退役士兵报到接收' }).innerText(), '第2版', 'the list shows version 2 in force');
  t.same(problems, [], 'no console errors, nothing refused by the CSP');
});

t.test('a broken move is told in Chinese beside that move, and in the JSON at its line; fixed, nothing is found', { skip: chromiumMissing }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, base, 'policy');
  await page.goto(`${base}/policy/workflows/discharge-reporting`);

  const editor = page.getByLabel('流程定义（JSON）');
  type Moves = { machine: { states: Record<string, { on?: Record<string, { target?: string }> }> } };
  const def = JSON.parse(await editor.inputValue()) as Moves;
  const broken = structuredClone(def);
  broken.machine.states.reception!.on!.RETURN!.target = 'nowhere';
  await editor.fill(JSON.stringify(broken, null, 2));
  await page.getByLabel('修改说明').fill('退回改到一个不存在的环节');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForURL(/version=2/);

  const group = page.locator('#findings .finding-group', { has: page.getByRole('heading', { name: '「窗口报到」环节', exact: true }) });
  t.equal(await group.count(), 1, 'the findings of the step are grouped under its Chinese title');
  const move = group.getByRole('heading', { name: '「窗口报到」环节的「一次性告知补正」操作', exact: true });
  t.equal(await move.count(), 1, 'and the move under its own');
  const beside = move.locator('xpath=following-sibling::ul[1]');
  t.match(await beside.innerText(), /环节 "nowhere" 不存在 第\d+行/, 'the Chinese message beside the move, with its line');

  await beside.getByRole('link', { name: /第\d+行/ }).first().click();
  const line = page.locator('#json-view .json-line-bad:target');
  t.match(await line.innerText(), /"target": "nowhere"[\s\S]*环节 "nowhere" 不存在/, 'the line of the JSON, numbered as in the editor, carries the message');
  const number = Number((await line.getAttribute('value')) ?? 0);
  t.match((await editor.inputValue()).split('\n')[number - 1], '"target": "nowhere"', 'the same line in the editor');
  t.same(await axeViolations(page), [], 'findings: no accessibility violations');

  t.equal(await page.getByRole('button', { name: /申请发布第2版/ }).count(), 0, 'a broken draft cannot be put up for publication');
  t.match(await page.locator('#publish-blocked').innerText(), '草稿未通过检查', 'and the page says why');

  // Fixed: the move goes where it went, and nothing is found.
  await editor.fill(JSON.stringify(def, null, 2));
  await page.getByLabel('修改说明').fill('退回改回补正环节');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForURL(/version=3/);
  t.match(await page.locator('#findings').innerText(), '未发现问题', 'the fixed draft is clean');
  t.equal(await page.locator('#json-view').count(), 0, 'and no line is marked');
  t.same(problems, [], 'no console errors');
});
