import t from 'tap';
import { readFileSync } from 'node:fs';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, watchConsole } from './helpers/browser.ts';
import { openCase } from './helpers/fixtures.ts';

t.setTimeout(240_000);

const file = JSON.parse(readFileSync(new URL('../workflows/discharge-reporting.json', import.meta.url), 'utf8'));
const { $schema: _, ...v1 } = file;

t.test('publishing by two in the browser: A requests after the diff and impact, B approves, a running case is moved after its dry run', { skip: chromiumMissing }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const browser = await launch(t);

  // A running case at the window, on version 1.
  const clerk = await login(app, 'district-clerk');
  const running = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  t.equal(running.workflowVersion, 1);

  // The draft: the window now asks for one more required material.
  const d = structuredClone(v1);
  d.materials.push({ id: 'reporting-form', title: { zh: '退役士兵报到登记表', en: 'Reporting registration form' }, required: true, originalSeen: true });
  d.machine.states.reception.meta.materials.push('reporting-form');
  d.forms.intake.properties.materials.items.enum.push('reporting-form');
  const saved = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: await login(app, 'policy'), payload: { definition: d, note: '增收报到登记表' } });
  t.same(saved.json().findings, [], 'a clean draft');

  // A, 孙磊: asks for its publication after reading what it changes and whom it touches.
  const a = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' })).newPage();
  const problems = watchConsole(a);
  await logIn(a, base, 'policy');
  await a.goto(`${base}/policy/workflows/discharge-reporting?version=2`);
  await a.getByRole('button', { name: '申请发布第2版…' }).click();
  await a.getByRole('heading', { name: '申请发布第2版' }).waitFor();
  t.match(await a.locator('#diff').innerText(), '新增必交材料「退役士兵报到登记表」', 'the confirmation shows the diff');
  t.match(await a.locator('#impact-summary').innerText(), '在办1件，需要处理1件', 'and the impact');
  const row = a.locator('#impact tbody tr', { hasText: running.caseNo });
  t.equal(await row.count(), 1, `the case is named by its number ${running.caseNo}`);
  t.match(await row.innerText(), '须补交新增必交材料「退役士兵报到登记表」', 'with its real problem in words');
  const cell = await row.locator('td').last().boundingBox();
  const table = await a.locator('#impact').boundingBox();
  t.ok(cell && table && cell.x + cell.width <= table.x + table.width + 1, 'the problem wraps inside the table');
  t.same(await axeViolations(a), [], 'confirmation page: no accessibility violations');
  await a.getByRole('button', { name: '确认申请发布' }).click();
  await a.locator('#publication-done').getByText('已申请发布第2版').waitFor();
  t.equal((await a.locator('#in-force').innerText()).trim(), '第1版', 'not published by one person');
  t.equal(await a.getByRole('button', { name: '核对并审批…' }).count(), 0, 'the requester is not offered the approval');

  // B, 钱芳: sees the same, and who asked; approves.
  const b = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' })).newPage();
  problems.push(...watchConsole(b));
  await logIn(b, base, 'policy-2');
  await b.goto(`${base}/policy/workflows/discharge-reporting?version=2`);
  t.match(await b.locator('#pending-request').innerText(), '孙磊');
  await b.getByRole('button', { name: '核对并审批…' }).click();
  await b.getByRole('heading', { name: '审批发布第2版' }).waitFor();
  t.match(await b.locator('#requested-by').innerText(), '区局 孙磊（政策）');
  t.match(await b.locator('#impact').innerText(), running.caseNo, 'the approver sees the impact too');
  t.same(await axeViolations(b), [], 'approval page: no accessibility violations');
  await b.getByRole('button', { name: '批准并发布第2版' }).click();
  await b.locator('#publication-done').getByText('已发布第2版').waitFor();
  t.equal((await b.locator('#in-force').innerText()).trim(), '第2版', 'version 2 is in force');
  t.match(await b.locator('#versions tbody tr').first().innerText(), /孙磊[\s\S]*钱芳/, 'the list names who asked and who approved');
  t.match(await b.locator('#version-history').innerText(), /申请发布[\s\S]*审批并发布/);

  // B moves the running case: the dry run first, then the run.
  await b.getByRole('button', { name: '试算迁移到第2版…' }).click();
  await b.getByRole('heading', { name: /试算结果/ }).waitFor();
  t.match(await b.locator('#plan tbody tr', { hasText: running.caseNo }).innerText(), '将迁移', 'the dry run names the case and its fate');
  t.match(await b.locator('#plan-summary').innerText(), '将迁移1件，无法迁移0件');
  t.same(await axeViolations(b), [], 'dry run page: no accessibility violations');
  t.equal((await app.inject({ url: `/api/v1/cases/${running.id}`, headers: clerk })).json().workflowVersion, 1, 'the dry run moved nothing');
  await b.getByRole('button', { name: '确认迁移1件' }).click();
  await b.locator('#migration').waitFor();
  await app.jobs.drain();
  await b.reload();
  t.match(await b.locator('#migration').innerText(), '迁移已完成：已迁移1件');
  t.same(await axeViolations(b), [], 'editor after the move: no accessibility violations');
  const moved = (await app.inject({ url: `/api/v1/cases/${running.id}`, headers: clerk })).json();
  t.match(moved, { workflowVersion: 2, state: 'reception' }, 'the running case is on version 2');
  t.same(problems, [], 'no console errors, nothing refused by the CSP');
});
