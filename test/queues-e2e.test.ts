import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { manualClock } from '../src/clock.ts';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';

t.setTimeout(300_000);

/*
 * Queues in a real browser: two clerks of 东城镇 (town-clerk 李强, town-clerk-2 何丽) and one case,
 * claimed, released and acted on; a supervisor who finds 河西社区's queue empty and routes its case;
 * a clerk's case list filtered by item and overdue.
 */

async function pageOf(browser: Browser, base: string, username: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, base, username);
  return { page, problems };
}

t.test('two clerks of one station: one claims, the other sees who and cannot act until it is released', { skip: chromiumMissing }, async (t) => {
  const app = await build(t, { clock: manualClock(new Date()) });
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: await login(app, 'town-clerk'), payload: { workflowId: 'employment-entrepreneurship', personId: 'p-zhang-wei' } });
  t.equal(opened.statusCode, 201, opened.body.slice(0, 200));
  const caseUrl = `/cases/${opened.json().id}`;
  const base = await listen(app);
  const browser = await launch(t);
  const li = await pageOf(browser, base, 'town-clerk');
  const he = await pageOf(browser, base, 'town-clerk-2');

  await li.page.goto(base + caseUrl);
  await li.page.getByRole('button', { name: '认领' }).click();
  await li.page.waitForURL(/\?acted=CLAIM$/);
  t.match(await li.page.locator('[role=status]').first().innerText(), /已认领/);
  t.match(await li.page.locator('.case-status').innerText(), /已由 东城镇 李强 于 \d+月\d+日 \d\d:\d\d 认领/);

  await he.page.goto(base + caseUrl);
  t.match(await he.page.locator('.case-status').innerText(), /已由 东城镇 李强 于 \d+月\d+日 \d\d:\d\d 认领/, 'the other clerk sees who claimed it and when');
  t.equal(await he.page.locator('#act-title').count(), 0, 'no step form for her');
  t.equal(await he.page.locator('#others-title').count(), 0, 'no other moves either');
  t.equal(await he.page.getByRole('button', { name: '认领' }).count(), 0, 'nor a claim button');
  t.match(await he.page.locator('.notice-box').last().innerText(), /其他人不能办理本环节/);
  t.same(await axeViolations(he.page), [], 'claimed case page: no accessibility violations');
  await screenshot(he.page, 'queues-claimed');

  await li.page.getByText('退回队列', { exact: true }).first().click();
  await li.page.getByLabel('退回原因（可不填）').fill('下周休假，退回本站');
  await li.page.getByRole('button', { name: '退回队列' }).click();
  await li.page.waitForURL(/\?acted=RELEASE$/);
  t.match(await li.page.locator('[role=status]').first().innerText(), /已退回队列/);

  await he.page.reload();
  t.notMatch(await he.page.locator('.case-status').innerText(), /已由.+认领/, 'the claim is gone');
  await he.page.getByRole('link', { name: '一次性告知补正' }).click();
  await he.page.getByRole('group', { name: /需补正的材料/ }).getByRole('checkbox', { name: '退役军人就业创业服务需求登记表' }).check();
  await he.page.getByLabel('补正要求说明').fill('登记表缺少本人签字');
  await he.page.getByRole('button', { name: '下一步：核对信息' }).click();
  await he.page.waitForURL(/\/act\/RETURN\/check$/);
  await he.page.getByRole('button', { name: /确认提交/ }).click();
  await he.page.waitForURL(/\?done=\d+$/);
  t.match(await he.page.locator('.success-box').innerText(), /已办理：一次性告知补正/, 'after the release the second clerk acts');
  t.match(await he.page.locator('#history').innerText(), /一次性告知补正[\s\S]*退回队列[\s\S]*认领/, 'the history (newest first) has the claim and its release');
  t.same([...li.problems, ...he.problems], [], 'no console errors');
});

t.test('the supervisor sees 河西社区 has nobody and routes its case to a town clerk, who acts', { skip: chromiumMissing }, async (t) => {
  const clock = manualClock(new Date());
  const app = await build(t, { clock });
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: await login(app, 'town-clerk'), payload: { workflowId: 'glory-plaque', personId: 'p-li-jun' } });
  t.equal(opened.statusCode, 201, opened.body.slice(0, 200));
  const caseId = opened.json().id;
  clock.advance(30 * 86_400_000);
  const base = await listen(app);
  const browser = await launch(t);
  const sup = await pageOf(browser, base, 'supervisor');

  // An urge from the case page is refused and says why.
  await sup.page.goto(`${base}/cases/${caseId}`);
  await sup.page.getByText('催办', { exact: true }).first().click();
  await sup.page.getByLabel('催办内容').fill('请尽快入户核实');
  await sup.page.locator('form:has(#URGE-text)').getByRole('button', { name: '催办' }).click();
  t.match(await sup.page.locator('.error-summary').innerText(), /河西社区退役军人服务站目前没有在岗经办人，催办无人接收；请先转办/);

  await sup.page.goto(`${base}/supervision`);
  const row = sup.page.locator('#queues tbody tr', { hasText: '河西社区退役军人服务站' });
  t.match(await row.innerText(), /河西社区退役军人服务站\s+村（社区）服务站\s+1\s+1\s+无人办理/, 'the empty queue is flagged with its open and overdue cases');
  t.same(await axeViolations(sup.page), [], 'dashboard with the queues: no accessibility violations');
  await screenshot(sup.page, 'queues-supervision');

  await row.getByRole('link', { name: /转办这些案件/ }).click();
  await sup.page.waitForURL(/queue=hexi\.village/);
  const ticked = sup.page.locator('#bulk tbody input[type=checkbox]');
  t.equal(await ticked.count(), 1, 'the list holds the queue\'s case');
  t.ok(await ticked.first().isChecked(), 'ticked already');
  await sup.page.getByLabel('转办给（转办时选择）').selectOption('u-town-clerk');
  await sup.page.getByLabel('催办内容、升级原因、意见或转办原因').fill('河西社区暂无经办人，由镇站代办');
  await sup.page.getByRole('button', { name: '转办', exact: true }).click();
  t.match(await sup.page.locator('#batch-done').innerText(), /1件已办理/);
  t.equal(await sup.page.locator('#batch-failed').count(), 0, 'nothing failed');
  await sup.page.getByRole('link', { name: '返回督办工作台' }).click();
  t.equal(await sup.page.locator('#queues tbody tr', { hasText: '河西社区' }).count(), 0, 'the empty queue holds nothing now');

  const clerk = await pageOf(browser, base, 'town-clerk');
  await clerk.page.goto(`${base}/cases/${caseId}`);
  t.equal(await clerk.page.locator('#act-title').count(), 1, 'the town clerk it was handed to has the step\'s form');
  t.same([...sup.problems, ...clerk.problems], [], 'no console errors');
});

t.test('a clerk filters her case list by item and overdue', { skip: chromiumMissing }, async (t) => {
  const clock = manualClock(new Date());
  const app = await build(t, { clock });
  const open = async (workflowId: string, personId: string) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: await login(app, 'town-clerk'), payload: { workflowId, personId } });
    t.equal(r.statusCode, 201, `${workflowId}: ${r.body.slice(0, 200)}`);
  };
  await open('employment-entrepreneurship', 'p-zhang-wei');
  clock.advance(20 * 86_400_000);
  await open('rights-petition-legal-aid', 'p-zhang-wei');
  const base = await listen(app);
  const browser = await launch(t);
  const { page, problems } = await pageOf(browser, base, 'town-clerk');

  await page.getByRole('link', { name: /全部在办案件/ }).click();
  await page.waitForURL(`${base}/cases`);
  const rows = page.locator('#list-title ~ .table-wrap tbody tr');
  t.equal(await rows.count(), 2, 'both open town cases');
  t.match(await rows.first().innerText(), /退役军人就业创业扶持|就业创业/, 'the overdue one first (nearest due date)');
  t.match(await rows.first().innerText(), /已超期/);

  await page.getByLabel('办理期限').selectOption('overdue');
  await page.getByRole('button', { name: '筛选' }).click();
  t.equal(await rows.count(), 1, 'overdue: one');
  await page.getByLabel('事项').selectOption({ label: await page.locator('#workflowId option[value="rights-petition-legal-aid"]').innerText() });
  await page.getByRole('button', { name: '筛选' }).click();
  t.equal(await rows.count(), 0, 'that item has nothing overdue');
  t.match(await page.locator('main').innerText(), /没有符合条件的案件/);
  await page.getByLabel('办理期限').selectOption('all');
  await page.getByRole('button', { name: '筛选' }).click();
  t.equal(await rows.count(), 1, 'the item alone: one');
  t.equal(await page.getByLabel('环节').count(), 1, 'with an item chosen the steps can be filtered');
  t.same(await axeViolations(page), [], 'case list: no accessibility violations');
  await screenshot(page, 'queues-case-list');
  t.same(problems, [], 'no console errors');
});
