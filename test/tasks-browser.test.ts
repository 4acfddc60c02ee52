import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';

// A 1×1 PNG: a phone photo of the bank card, as far as the test cares.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

t.setTimeout(300_000);

t.test('the longest form in sections: a task list, one page per section, refused until done, sent from check-your-answers', { skip: chromiumMissing, timeout: 280_000 }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const district = await login(app, 'district-clerk');
  // A college student enlisted from 桥头村: 大学生士兵入伍优待's application (17 fields) is the longest form.
  const person = await app.inject({
    method: 'POST', url: '/api/v1/persons', headers: district,
    payload: {
      name: '周子涵', idNumber: makeIdNumber('330102', '2004-05-20', 335), phone: '13588012345', stationId: 'qiaotou',
      attributes: { category: 'serving', soldierType: 'conscript', enlistmentDate: '2026-09-10', postedToTibetOrXinjiang: false },
    },
  });
  t.equal(person.statusCode, 201);

  const browser = await launch(t);
  const newPage = async () => (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })).newPage();
  const page = await newPage();
  const problems = watchConsole(page);
  const a11y = async (name: string, on = page) => t.same(await axeViolations(on), [], `${name}: no accessibility violations`);
  const statusOf = (n: number) => page.locator(`#section-${n}-status`).innerText();

  await logIn(page, base, 'town-clerk');
  await page.goto(`${base}/persons/${person.json().id}`);
  await page.locator('.chain-item', { hasText: '大学生士兵入伍优待' }).getByRole('button', { name: /开始办理/ }).click();
  await page.waitForURL(/\/cases\/[^/?]+$/);
  const caseUrl = page.url();
  const caseId = caseUrl.split('/').pop()!;

  // The case page shows the sections, not 17 fields and 8 file boxes.
  const tasks = page.locator('.task-list');
  t.same(await tasks.locator('.task-list-link').allInnerTexts(), ['本人信息', '入伍情况', '学历与报名', '代办人', '收款账户', '材料']);
  t.equal(await page.locator('input[name="d.bankAccount"]').count(), 0, 'no field of the form on the case page');
  t.equal(await page.getByRole('link', { name: '收款账户' }).getAttribute('aria-describedby'), 'section-5-status', 'the status is tied to its link');
  t.equal(await statusOf(1), '已完成', 'the person file answered the first section');
  t.equal(await statusOf(3), '未开始');
  await a11y('case page with a task list');
  await screenshot(page, 'tasklist-case');

  // Section 3 on its own page, a mistake first, then right.
  await page.getByRole('link', { name: '学历与报名' }).click();
  await page.waitForURL(/\/section\/3$/);
  t.match(await page.locator('h1').innerText(), /学历与报名/);
  t.match(await page.locator('h1').innerText(), /第 3 节，共 6 节/);
  t.equal(await page.locator('input[name="d.name"]').count(), 0, 'only the section\'s fields');
  await page.getByLabel('入伍前学生身份').selectOption('fresh-graduate');
  await page.getByRole('group', { name: /学历层次/ }).getByLabel('本科').check();
  await page.getByLabel('就读或毕业院校').fill('浙');
  await page.getByLabel('全国征兵网网上报名编号').fill('202233120118');
  await page.getByRole('button', { name: '保存并返回任务列表' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  t.match(await summary.innerText(), /就读或毕业院校/, 'the section\'s own error, in its summary');
  t.notMatch(await summary.innerText(), /收款账号|开户银行/, 'not the other sections\' problems');
  t.equal(await page.getByLabel('全国征兵网网上报名编号').inputValue(), '202233120118', 'what was typed stays');
  await a11y('section with an error');
  await screenshot(page, 'tasklist-section-error');
  await page.getByLabel('就读或毕业院校').fill('浙江工业大学');
  await page.getByRole('button', { name: '保存并返回任务列表' }).click();
  await page.waitForURL(new RegExp(`/cases/${caseId}/act/SUBMIT$`));
  t.equal(await statusOf(3), '已完成', 'the section is done');
  t.equal(await statusOf(4), '未开始');
  await a11y('task list');
  await screenshot(page, 'tasklist');

  // Section 4 (a yes/no) and section 6 (materials ticked, a photo attached), one by one.
  await page.getByRole('link', { name: '代办人' }).click();
  await page.getByRole('group', { name: /家属代为申请/ }).getByLabel('否').check();
  await page.getByRole('button', { name: '保存并返回任务列表' }).click();
  await page.waitForURL(/\/act\/SUBMIT$/);
  t.equal(await statusOf(4), '已完成');
  await page.getByRole('link', { name: '材料' }).click();
  const materials = page.getByRole('group', { name: /已收材料/ });
  for (const m of ['居民身份证', '入伍前户口簿', '入伍通知书', '毕业证书、学生证或录取通知书', '应征公民政治考核表（含网上报名编号）', '本人或家属银行卡']) {
    await materials.getByRole('checkbox', { name: m, exact: true }).check();
  }
  await page.locator('#up-bank-card').setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer: PNG });
  await a11y('materials section');
  await page.getByRole('button', { name: '保存并返回任务列表' }).click();
  await page.waitForURL(/\/act\/SUBMIT$/);
  t.equal(await statusOf(6), '已完成');
  t.match(await page.locator('.hint', { hasText: '已完成' }).first().innerText(), /已完成 5 节，共 6 节/);

  // 收款账户 left undone: the way on is refused, with a link to it.
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await summary.waitFor();
  const refusal = summary.getByRole('link', { name: '「收款账户」尚未完成' });
  t.equal(await refusal.count(), 1, 'the section left undone is named and linked');
  t.equal(await statusOf(5), '未开始');
  await a11y('task list refused');
  await refusal.click();
  await page.waitForURL(/\/section\/5$/);
  await page.getByLabel('开户银行').fill('中国工商银行新河支行');
  await page.getByLabel('收款账号').fill('6222021234567890128');
  await page.getByLabel('账户户名').fill('周子涵');
  await page.getByRole('button', { name: '保存并返回任务列表' }).click();
  await page.waitForURL(/\/act\/SUBMIT$/);
  t.same(await Promise.all([1, 2, 3, 4, 5, 6].map(statusOf)), Array(6).fill('已完成'), 'every section done');

  // Check your answers, by section, then sent.
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/SUBMIT\/check$/);
  t.same(await page.locator('h2.h3').filter({ hasNotText: '提交后' }).filter({ hasNotText: '已上传' }).allInnerTexts(), ['本人信息', '入伍情况', '学历与报名', '代办人', '收款账户', '材料']);
  t.match(await page.locator('.summary').nth(2).innerText(), /浙江工业大学/);
  t.equal(await page.getByRole('link', { name: /修改.*收款账号/ }).getAttribute('href'), `/cases/${caseId}/act/SUBMIT/section/5#f-bankAccount`, 'a change goes to its section');
  await a11y('check your answers by section');
  await screenshot(page, 'tasklist-check');
  await page.getByRole('button', { name: /确认提交/ }).click();
  await page.waitForURL(/\?done=\d+$/);
  t.match(await page.locator('.success-box').innerText(), /材料接收回执/, 'sent: the receipt is issued');
  t.same(problems, [], 'no console errors');

  // The district's clerk has the case at its next step, with every section's answers.
  const next = await newPage();
  await logIn(next, base, 'district-clerk');
  await next.goto(caseUrl);
  t.match(await next.locator('.case-status').innerText(), /区局受理/);
  t.equal(await next.getByRole('link', { name: '不予受理' }).count(), 1, 'and may act on it');
  const data = await next.locator('[aria-labelledby="data-title"]').innerText();
  for (const value of ['浙江工业大学', '202233120118', '中国工商银行新河支行', '周子涵']) t.match(data, value, `recorded: ${value}`);
  const received = (await app.inject({ url: `/api/v1/cases/${caseId}`, headers: district })).json().materialsReceived as string[];
  t.ok(received.includes('bank-card'), 'the materials ticked on their section are received');
  t.ok(await next.locator('.thumbs img').count() >= 1, 'and the photo attached there is with the case');
  await a11y('the next holder\'s case page', next);
});
