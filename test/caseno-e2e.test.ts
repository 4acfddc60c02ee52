import t from 'tap';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { openCase } from './helpers/fixtures.ts';

t.setTimeout(180_000);

t.test('in the browser a clerk reads the case number on the case page and opens the case by typing it', { skip: chromiumMissing, timeout: 170_000 }, async (t) => {
  // The real clock: the browser drops a session cookie that expired by its own clock.
  const app = await build(t);
  const c = (await openCase(app, await login(app, 'district-clerk'), 'discharge-reporting', 'p-zhang-wei')).json();
  const base = await listen(app);
  const browser = await launch(t);
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })).newPage();
  const problems = watchConsole(page);
  await logIn(page, base, 'district-clerk');

  // The home list names the case by its number; the search box takes it as a clerk reads it off a notice.
  t.match(await page.locator('#queue-title + .table-wrap').innerText(), c.caseNo, 'my open cases list the number');
  await page.getByLabel('姓名、18位公民身份号码或案件编号').fill(c.caseNo);
  await page.getByRole('button', { name: '查找' }).click();
  await page.waitForURL(`${base}/cases/${c.id}`);
  t.pass('typing the number opens its case');

  t.equal(await page.locator('h1 .case-no').innerText(), c.caseNo, 'the heading shows the number');
  t.match(await page.title(), new RegExp(`^${c.caseNo} · `), 'so does the window title');
  t.match(await page.locator('.breadcrumbs [aria-current="page"]').innerText(), c.caseNo, 'and the breadcrumb');
  t.notOk((await page.locator('main').innerText()).includes(c.id), 'the id is nowhere in the text a clerk reads');
  t.same(await axeViolations(page), [], 'case page: no accessibility violations');
  await screenshot(page, 'caseno-case-page');

  // A number of no case in the area is said plainly on the search page.
  await page.goto(`${base}/`);
  await page.getByLabel('姓名、18位公民身份号码或案件编号').fill('退报-2026-99999');
  await page.getByRole('button', { name: '查找' }).click();
  t.match(await page.locator('.error-message').innerText(), '本辖区没有编号为 退报-2026-99999 的案件');
  t.same(await axeViolations(page), [], 'search page with the error: no accessibility violations');
  t.same(problems, [], 'no console errors');
});
