import t from 'tap';
import type { Page } from 'playwright-core';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { PageClient } from './helpers/pages.ts';

t.setTimeout(300_000);

// A 1×1 PNG: a phone photo of the unit letter, as far as the test cares.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

/** "区局 刘洋 于 12月4日 10:32 已办理「窗口报到」，案件现在处于「…」环节": who, when, which step, where it is now. */
const movedOnBy = (who: string, step: string, now: string) =>
  new RegExp(`${who} 于 \\d{1,2}月\\d{1,2}日 \\d\\d:\\d\\d 已办理「${step}」，案件现在处于「${now}」环节。您填写的内容仍保留在下方`);

t.test('the API says who did what, at which step and when, beside STALE_VERSION', async (t) => {
  const app = await build(t);
  const first = await login(app, 'district-clerk-2');
  const second = await login(app, 'district-clerk');
  const c = (await openCase(app, second, 'discharge-reporting', 'p-zhang-wei')).json() as { id: string };

  const comment = await send(app, first, c.id, 'COMMENT', { text: '我来看一下' }, 1);
  t.equal(comment.statusCode, 200);
  const afterComment = await send(app, second, c.id, 'SUBMIT', dischargeIntake, 1);
  t.equal(afterComment.statusCode, 409);
  t.match(afterComment.json(), {
    code: 'STALE_VERSION', currentVersion: 2,
    lastEntry: { seq: 2, type: 'COMMENT', label: { zh: '填写意见' }, actorName: '区局 刘洋', step: { zh: '窗口报到' } },
    currentStep: { name: 'reception', title: { zh: '窗口报到' } },
  }, 'an act that did not move the case is named as such');

  const submitted = await send(app, first, c.id, 'SUBMIT', dischargeIntake, 2);
  t.equal(submitted.statusCode, 200, submitted.body.slice(0, 300));
  const stale = await send(app, second, c.id, 'SUBMIT', dischargeIntake, 1);
  t.equal(stale.statusCode, 409);
  const body = stale.json();
  t.match(body, {
    code: 'STALE_VERSION', currentVersion: 3,
    lastEntry: { seq: 3, type: 'SUBMIT', label: { zh: '确认报到' }, step: { zh: '窗口报到', en: String }, actorName: '区局 刘洋' },
    currentStep: { name: 'archiveCheck', title: { zh: '档案接收与户口登记介绍信' } },
  }, 'the step taken wins over the comment before it');
  t.equal(body.lastEntry.at, (submitted.json() as { history: { seq: number; at: string }[] }).history.find((h) => h.seq === 3)!.at, 'when it was taken');
  t.notOk(Object.keys(body.lastEntry).includes('payload'), 'what was typed in the other step is not given away');

  const fresh = await send(app, second, c.id, 'SUBMIT', dischargeIntake, 9);
  t.equal(fresh.statusCode, 409);
  t.notOk('lastEntry' in fresh.json(), 'a version from the future has nothing after it');
});

t.test('pages: the check page of a step someone else took keeps the draft and names them', async (t) => {
  const app = await build(t);
  const other = await login(app, 'district-clerk-2');
  const clerk = new PageClient(app);
  await clerk.login('district-clerk');
  const c = (await openCase(app, other, 'discharge-reporting', 'p-zhang-wei')).json() as { id: string };
  const fields = {
    _version: '1', _draft: '0', _action: 'continue', 'd.name': '张伟', 'd.idNumber': dischargeIntake.idNumber, 'd.mobile': '13912345678',
    'd.dischargeDate': '2026-09-05', 'd.reportDate': '2026-09-21', 'd.soldierType': 'conscript', 'd.placementType': 'self-employment',
    'd.partyMember': 'false', 'd.materials': ['discharge-certificate', 'unit-letter', 'id-card'],
  };
  await clerk.get(`/cases/${c.id}/act/SUBMIT`);
  const toCheck = await clerk.postMultipart(`/cases/${c.id}/act/SUBMIT`, fields);
  t.equal(toCheck.statusCode, 303, 'on to check your answers');
  await clerk.follow(toCheck);
  t.equal((await send(app, other, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200, 'the other clerk sends the step first');

  const confirm = await clerk.post(`/cases/${c.id}/act/SUBMIT/check`, {});
  t.equal(confirm.statusCode, 409);
  t.match(confirm.body, movedOnBy('区局 刘洋', '窗口报到', '档案接收与户口登记介绍信'));
  t.match(confirm.body, 'value="13912345678"', 'the form comes back with what was typed');
  const again = await clerk.post(`/cases/${c.id}/act/SUBMIT/check`, {});
  t.equal(again.statusCode, 409, 'sending again sends nothing');
  t.match(again.body, movedOnBy('区局 刘洋', '窗口报到', '档案接收与户口登记介绍信'), 'and says the same');
  const later = await clerk.get(`/cases/${c.id}/act/SUBMIT`);
  t.equal(later.statusCode, 200, 'the kept draft can be opened later');
  t.match(later.body, 'value="13912345678"');
  t.match(later.body, movedOnBy('区局 刘洋', '窗口报到', '档案接收与户口登记介绍信'));
  const view = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: other })).json() as { history: { type: string }[] };
  t.equal(view.history.filter((h) => h.type === 'SUBMIT').length, 1, 'one SUBMIT in the history');
});

t.test('two clerks open the same step; the second, after the first sent it, is told who did what and keeps the input', { skip: chromiumMissing, timeout: 280_000 }, async (t) => {
  const app = await build(t);
  const api = await login(app, 'district-clerk');
  const c = (await openCase(app, api, 'discharge-reporting', 'p-zhang-wei')).json() as { id: string };
  const base = await listen(app);
  const browser = await launch(t);
  const open = async (username: string) => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await logIn(page, base, username);
    await page.goto(`${base}/cases/${c.id}/act/SUBMIT`);
    return page;
  };
  const fill = async (page: Page, mobile: string, reportDate: string) => {
    await page.getByLabel('手机号码').fill(mobile);
    await page.getByLabel('报到日期').fill(reportDate);
    await page.getByLabel('安置方式').selectOption('self-employment');
    await page.getByRole('group', { name: /是否党（团）员/ }).getByLabel('否').check();
    for (const m of ['退出现役证', '部队行政介绍信', '居民身份证或户口登记材料']) await page.getByRole('group', { name: /已收材料/ }).getByRole('checkbox', { name: m }).check();
  };
  const first = await open('district-clerk-2');
  const second = await open('district-clerk');
  const problems = watchConsole(second);

  await fill(first, '13800138000', '2026-09-20');
  await first.getByRole('button', { name: '下一步：核对信息' }).click();
  await first.waitForURL(/\/act\/SUBMIT\/check$/);
  await first.getByRole('button', { name: /确认提交/ }).click();
  await first.waitForURL(/\?done=\d+$/);

  await fill(second, '13912345678', '2026-09-21');
  await second.locator('#up-unit-letter').setInputFiles({ name: '部队介绍信.png', mimeType: 'image/png', buffer: PNG });
  await second.getByRole('button', { name: '下一步：核对信息' }).click();
  const box = second.locator('.conflict-box');
  await box.waitFor();
  t.match(await box.innerText(), movedOnBy('区局 刘洋', '窗口报到', '档案接收与户口登记介绍信'), 'who did what, when, and where the case is now');
  t.equal(await second.getByLabel('手机号码').inputValue(), '13912345678', 'what was typed is kept');
  t.equal(await second.getByLabel('报到日期').inputValue(), '2026-09-21');
  t.ok(await second.getByRole('group', { name: /已收材料/ }).getByRole('checkbox', { name: '部队行政介绍信' }).isChecked(), 'ticks are kept');
  t.match(await second.locator('#uploads, .step-form').first().innerText(), /部队介绍信\.png|部队介绍信/, 'the file chosen is kept with the case');
  t.same(await axeViolations(second), [], 'the form with the message: no accessibility violations');
  await screenshot(second, 'case-conflict');

  const view = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: api })).json() as { state: string; data: { reportDate?: string }; history: { type: string; actor: string }[] };
  t.equal(view.state, 'archiveCheck', 'the first clerk\'s step stands');
  t.equal(view.data.reportDate, '2026-09-20', 'nothing of the second was sent');
  t.ok(view.history.some((h) => h.type === 'ATTACH' && h.actor === 'u-district-clerk'), 'the file is in the case history');

  await second.getByRole('button', { name: '保存草稿' }).click();
  await second.waitForURL(/\?saved=1/);
  await second.goto(`${base}/`);
  const drafts = await second.locator('#drafts-title').locator('..').innerText();
  t.match(drafts, /张伟/, 'the draft on the home page names the person');
  t.match(drafts, /退役士兵报到接收/, 'and the item');
  t.match(drafts, /窗口报到/, 'and the step it was for');
  t.match(drafts, /330102\*{8}\d{3}[\dX]/, 'the ID number masked');
  t.notMatch(drafts, new RegExp(c.id), 'not the case id');
  t.same(await axeViolations(second), [], 'home with a named draft: no accessibility violations');
  t.same(problems, [], 'no console errors');
});
