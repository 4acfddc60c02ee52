import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { manualClock } from '../src/clock.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { insertVersionIfMissing } from '../src/definitions/workflow.repository.ts';
import { sweep } from '../src/supervision/sweeper.ts';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { dischargeIntake, send } from './helpers/fixtures.ts';

t.setTimeout(300_000);

// Work reaches someone who can do it (ADR 0019), in real Chromium: the start says where the case
// goes and that queue finds it; an escalated step and a handed-over one are acted on by the new
// holder, and the old holder is told who has it.
t.test('the holder of a step finds it and acts; the start, escalation and 转办 move it', { skip: chromiumMissing }, async (t) => {
  // The clock starts now (cookies must not look expired to the browser) and is moved on by hand.
  const clock = manualClock(new Date());
  const app = await build(t, { clock, config: { sessionTtlMinutes: 60 * 24 * 90, sessionMaxHours: 24 * 90 } });
  const def = JSON.parse(readFileSync(new URL('./fixtures/deadline-drill.json', import.meta.url), 'utf8')) as WorkflowDefinition;
  await insertVersionIfMissing(app.db, def, 'test fixture', 'test', clock.now());
  const base = await listen(app);
  const browser = await launch(t);
  const as = async (browser: Browser, username: string): Promise<{ page: Page; problems: string[] }> => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await logIn(page, base, username);
    return { page, problems };
  };
  const noAxe = async (t: Test, page: Page, what: string) => t.same(await axeViolations(page), [], `${what}: no accessibility violations`);
  const approve = async (page: Page, opinion: string) => {
    await page.locator('#f-opinion').fill(opinion);
    await page.getByRole('button', { name: '下一步：核对信息' }).click();
    await page.getByRole('button', { name: /确认提交/ }).click();
    await page.locator('.success-box').waitFor();
  };

  await t.test('a village clerk starts 退役报到; the district clerks find it and act', async (t) => {
    const { page, problems } = await as(browser, 'village-clerk');
    await page.goto(`${base}/persons/p-zhang-wei`);
    const start = page.locator('form:has(input[name="workflowId"][value="discharge-reporting"])');
    t.equal(await start.locator('[data-goes-to]').innerText(), '将交新河区退役军人事务局办理', 'the start says where the case goes');
    await noAxe(t, page, 'person file with the start');
    await start.getByRole('button').click();
    await page.waitForURL(/\/cases\/[^/]+$/);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    t.match(await page.locator('[data-held-elsewhere]').innerText(), /已交新河区退役军人事务局办理/, 'the starter reads who holds it');
    t.equal(await page.getByText('本环节不在您的办理范围').count(), 0, 'not a dead end');
    await noAxe(t, page, 'case page of the starter');
    await screenshot(page, 'hold-started-elsewhere');
    t.same(problems, []);

    const district = await as(browser, 'district-clerk');
    await district.page.locator(`a[href="/cases/${caseId}"]`).first().click();
    await district.page.waitForURL(`${base}/cases/${caseId}`);
    t.equal(await district.page.locator('#act-title').count(), 1, 'the district clerk finds it at home and has its form');
    const done = await send(app, await login(app, 'district-clerk'), caseId, 'SUBMIT', dischargeIntake);
    t.equal(done.statusCode, 200, `and takes the step: ${done.body.slice(0, 200)}`);
    t.same(district.problems, []);
  });

  const districtApi = await login(app, 'district-clerk');
  const open = async () => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: districtApi, payload: { workflowId: 'deadline-drill', personId: 'p-zhang-wei' } })).json() as { id: string };
  const overdue = await open();
  const handed = await open();
  t.equal((await send(app, await login(app, 'town-clerk'), handed.id, 'APPROVE', { opinion: '同意' })).statusCode, 200, 'one goes on to the district');

  await t.test('an overdue town step, escalated by the sweeper, is acted on by the district clerk', async (t) => {
    clock.advance(14 * 86_400_000);
    t.ok((await sweep(app.caseDeps, { graceWorkingDays: 2, batchSize: 50 })).escalated >= 2, 'the overdue steps are escalated');
    const town = await as(browser, 'town-clerk');
    await town.page.goto(`${base}/cases/${overdue.id}`);
    t.match(await town.page.locator('[data-held-elsewhere]').innerText(), /已交新河区退役军人事务局办理/, 'the town is told who has it now');
    t.equal(await town.page.locator('#act-title').count(), 0, 'and has no form');

    const { page, problems } = await as(browser, 'district-clerk');
    await page.locator(`a[href="/cases/${overdue.id}"]`).first().click();
    t.match(await page.locator('#history').innerText(), /东城镇退役军人服务站 → 新河区退役军人事务局（超期自动）/);
    await noAxe(t, page, 'escalated case');
    await approve(page, '镇站超期，区局直接办理');
    t.match(await page.locator('.success-box').innerText(), /区局审核/, 'the case moved on to the district review');
    t.same(problems, []);
  });

  await t.test('a district step escalated by the supervisor is acted on by the supervisor', async (t) => {
    const { page, problems } = await as(browser, 'supervisor');
    await page.goto(`${base}/supervision?due=all`);
    await page.locator(`#bulk input[type="checkbox"][value="${overdue.id}"]`).check();
    await page.locator('#bulk-text').fill('区局经办人员未及时审核');
    await page.getByRole('button', { name: '升级督办' }).click();
    await page.waitForURL(/\/supervision/);
    await page.goto(`${base}/cases/${overdue.id}`);
    t.match(await page.locator('#history').innerText(), /新河区退役军人事务局 → 新河区退役军人事务局督办人员/, 'never a level to itself');
    await noAxe(t, page, 'case escalated to the supervisors');
    await approve(page, '督办决定：同意');
    t.same(problems, []);
  });

  await t.test('a case handed to a town clerk is his; the district clerk who held it is refused', async (t) => {
    const sup = await as(browser, 'supervisor');
    await sup.page.goto(`${base}/cases/${handed.id}`);
    await sup.page.getByText('转办（交给其他经办人）').click();
    const picker = sup.page.getByLabel('交给');
    t.notMatch(await picker.innerText(), /孙磊|系统管理员|周丽/, 'only people who may take the step are offered');
    await picker.selectOption('u-town-clerk');
    await sup.page.getByLabel('转办原因').fill('熟悉该户情况');
    await sup.page.getByRole('button', { name: '转办', exact: true }).click();
    await sup.page.locator('[data-holder]').filter({ hasText: '东城镇 李强' }).waitFor();
    t.same(sup.problems, []);

    const district = await as(browser, 'district-clerk');
    await district.page.goto(`${base}/cases/${handed.id}`);
    t.match(await district.page.locator('[data-held-elsewhere]').innerText(), /已交东城镇 李强办理/, 'the district clerk is told who has it');
    t.equal((await send(app, districtApi, handed.id, 'APPROVE', { opinion: '同意' })).statusCode, 403, 'and is refused');

    const { page, problems } = await as(browser, 'town-clerk');
    const entry = page.locator('tr', { has: page.locator(`a[href="/cases/${handed.id}"]`) });
    t.match(await entry.innerText(), /转给我/, 'the town clerk\'s home shows it handed to him');
    await entry.locator('a').first().click();
    await noAxe(t, page, 'case handed to the town clerk');
    await approve(page, '已核实，同意');
    t.same(problems, []);
  });
});
