import t from 'tap';
import type { Page } from 'playwright-core';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn } from './helpers/browser.ts';

t.setTimeout(600_000);

/** Every main page, as each role sees it, has no accessibility violation of any impact (axe-core). */
t.test('axe finds nothing on any main page, for any role', { skip: chromiumMissing, timeout: 580_000 }, async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } });
  t.equal(opened.statusCode, 201, opened.body.slice(0, 200));
  const caseId = (opened.json() as { id: string }).id;
  const base = await listen(app);
  const browser = await launch(t);

  const check = async (page: Page, name: string) => {
    t.same(await axeViolations(page), [], `${name}: no accessibility violations`);
  };
  const as = async (username: string, walk: (page: Page) => Promise<void>) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await logIn(page, base, username);
    await check(page, `home (${username})`);
    await walk(page);
    await context.close();
  };

  const anonymous = await browser.newPage();
  await anonymous.goto(`${base}/login`);
  await check(anonymous, 'login');
  await anonymous.close();

  await as('district-clerk', async (page) => {
    await page.getByRole('searchbox').first().fill('张');
    await page.getByRole('button', { name: '查找' }).first().click();
    await page.waitForURL(/\/search$/);
    await check(page, 'search');
    await page.goto(`${base}/persons/p-zhang-wei`);
    await check(page, 'person');
    await page.goto(`${base}/persons/new`);
    await check(page, 'register a person');
    await page.locator('#family-q').fill('张');
    await page.locator('#family-search').getByRole('button', { name: '查找' }).click();
    await page.locator('#family-results').waitFor();
    await check(page, 'register a person: family members found by name');
    await page.getByRole('button', { name: /添加为家庭成员.*张建国/ }).click();
    await page.getByLabel('家庭成员', { exact: true }).waitFor();
    await check(page, 'register a person: a family member picked');
    await page.goto(`${base}/cases/${caseId}`);
    await check(page, 'case');
    await page.goto(`${base}/cases/${caseId}/act/SUBMIT`);
    await check(page, 'step form');
    await page.getByRole('button', { name: '下一步：核对信息' }).click();
    await check(page, 'step form with errors');
    await page.goto(`${base}/cases/${caseId}/act/SUBMIT/check`);
    await check(page, 'check your answers');
    await page.goto(`${base}/cases/${caseId}/receipt`);
    await check(page, 'receipt');
    await page.goto(`${base}/rosters`);
    await check(page, 'rosters');
    await page.goto(`${base}/password`);
    await check(page, 'password');
    await page.goto(`${base}/cases/00000000-0000-7000-8000-000000000000`);
    await check(page, 'error page');
  });
  for (const u of ['village-clerk', 'town-clerk', 'town-supervisor']) await as(u, async () => {});
  await as('supervisor', async (page) => {
    await page.goto(`${base}/supervision`);
    await check(page, 'supervision');
  });
  await as('policy', async (page) => {
    await page.goto(`${base}/policy`);
    await check(page, 'policy list');
    await page.goto(`${base}/policy/workflows/discharge-reporting`);
    await check(page, 'policy editor');
  });
  await as('admin', async (page) => {
    await page.goto(`${base}/admin`);
    await check(page, 'admin');
  });
});
