import t from 'tap';
import { readFileSync } from 'node:fs';
import { manualClock } from '../src/clock.ts';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { send } from './helpers/fixtures.ts';

t.setTimeout(120_000);

const samples = (id: string) => JSON.parse(readFileSync(new URL(`../workflows/samples/${id}.json`, import.meta.url), 'utf8')) as { forms: Record<string, Record<string, unknown>> };

t.test('a supervisor answers from the dashboard: what is overdue here, where cases pile up, who holds them, what happened', { skip: chromiumMissing }, async (t) => {
  // The clock starts now (cookies must not look expired to the browser) and is moved on by hand.
  const clock = manualClock(new Date());
  // A short session: the warning shows at once (the manual clock stands still while the browser works).
  const app = await build(t, { clock, config: { sessionTtlMinutes: 4 } });
  const townClerk = await login(app, 'town-clerk');
  const open = async (workflowId: string, personId: string) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: townClerk, payload: { workflowId, personId } });
    t.equal(r.statusCode, 201, `${workflowId} opened: ${r.body.slice(0, 200)}`);
    return r.json() as { id: string };
  };
  const profile = await open('veteran-profile', 'p-zhang-wei');
  const elderly = await open('rural-veteran-elderly-subsidy', 'p-li-jun');
  clock.advance(26 * 3600_000);
  const villageClerk = await login(app, 'village-clerk');
  const moved = await send(app, villageClerk, profile.id, 'SUBMIT', samples('veteran-profile').forms.collection);
  t.equal(moved.statusCode, 200, `the village collects the profile: ${moved.body.slice(0, 300)}`);
  clock.advance(30 * 86_400_000); // a month on: everything is overdue

  const base = await listen(app);
  const browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = watchConsole(page);

  await logIn(page, base, 'supervisor');

  // Session timeout: a warning before the end, and a way to stay logged in without losing the page.
  const warning = page.locator('#session-warning');
  await warning.waitFor({ state: 'visible' });
  t.match(await warning.innerText(), /分钟内过期/, 'the session warning shows before the end');
  await warning.getByRole('button', { name: '继续保持登录' }).click();
  await warning.waitFor({ state: 'hidden' });
  t.equal(page.url(), `${base}/`, 'staying logged in keeps the page');

  await page.getByRole('link', { name: '督办工作台' }).first().click();
  await page.waitForURL(/\/supervision$/);

  // What is overdue in my area, and who holds it.
  const list = page.locator('#bulk table');
  const rows = await list.locator('tbody tr').allInnerTexts();
  t.equal(rows.length, 2, 'both open cases are overdue');
  t.ok(rows.some((r) => /张伟/.test(r) && /东城镇/.test(r)), 'the profile waits at the town station');
  t.ok(rows.some((r) => /李军/.test(r) && /河西社区/.test(r)), 'the allowance waits at the village');
  t.match(await page.locator('#stations-title + .table-wrap').innerText(), /东城镇退役军人服务站\s+2\s+2/, 'counts per station');
  t.match(await page.locator('#items-title + .table-wrap').innerText(), /60周岁以上农村籍退役士兵老年生活补助/, 'counts per item');

  // Where cases pile up: the chart from the API, its CSV, and the same figures as a table.
  await page.waitForFunction("document.querySelector('img.chart').complete");
  const chartWidth = await page.evaluate("document.querySelector('img.chart').naturalWidth");
  t.ok(Number(chartWidth) > 100, 'the bottleneck chart loads (served by the service itself)');
  t.equal(await page.getByRole('link', { name: '下载CSV数据' }).count(), 1);
  t.match(await page.locator('#bottleneck-title ~ .table-wrap').innerText(), /村站信息采集/, 'the step that took time is listed');

  const found = await axeViolations(page);
  t.same(found, [], 'dashboard: no accessibility violations');
  await screenshot(page, 'supervision', { key: true });

  // Filters: a station's subtree, a step level.
  await page.getByLabel('服务站（含下级）').selectOption('hexi');
  await page.getByRole('button', { name: '筛选' }).click();
  t.equal(await list.locator('tbody tr').count(), 1, 'filtered to one village');
  await page.getByLabel('服务站（含下级）').selectOption('');
  await page.getByLabel('环节层级').selectOption('town');
  await page.getByRole('button', { name: '筛选' }).click();
  t.equal(await list.locator('tbody tr').count(), 1, 'filtered to steps at town level');

  // Urge it, and see it in the case's history.
  await list.locator('tbody tr').first().getByRole('checkbox').check();
  await page.getByLabel('催办内容、升级原因、意见或转办原因').fill('已超期，请三日内办结');
  await page.getByRole('button', { name: '催办', exact: true }).click();
  await page.waitForURL(/\/supervision\/act$/);
  t.match(await page.locator('#batch-done').innerText(), /1件已办理/, 'the urge is reported');
  t.equal(await page.locator('#batch-failed').count(), 0, 'nothing failed, no error box');
  await page.locator('#batch-done').getByRole('link').first().click();
  await page.waitForURL(/\/cases\//);
  const history = await page.locator('#history').innerText();
  t.match(history, /催办/, 'what happened to this one: urged');
  t.match(history, /已超期，请三日内办结/);
  t.match(history, /村站信息采集 → 镇站核对录入|镇站核对录入/, 'and the step it passed');

  // The holder sees the urge on their home page.
  await page.getByRole('button', { name: '退出' }).click();
  await logIn(page, base, 'town-clerk');
  t.match(await page.locator('#urges-title').locator('..').innerText(), /已超期，请三日内办结/, 'the urge is on the holder\'s home page');
  await screenshot(page, 'home-urged');

  t.same(problems, [], 'no console errors, nothing refused by the CSP');
  void elderly;
});
