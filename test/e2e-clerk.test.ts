import t from 'tap';
import { readFileSync } from 'node:fs';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';

// A 1×1 PNG: a phone photo of the discharge certificate, as far as the test cares.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

// Run directly (node --import tsx …) tap's default is 30 s; the whole walk takes longer on a busy machine.
t.setTimeout(300_000);

t.test('a clerk completes an item in the browser: register, start, a mistake fixed, return for materials, complete, notice', { skip: chromiumMissing, timeout: 280_000 }, async (t) => {
  const app = await build(t, { config: { sessionTtlMinutes: 480 } });
  const base = await listen(app);
  const browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const a11y = async (name: string) => {
    const found = await axeViolations(page);
    t.same(found, [], `${name}: no accessibility violations`);
  };

  // Log in: the home page sends an unknown visitor to the login page first.
  await page.goto(`${base}/`);
  t.match(page.url(), /\/login\?next=%2F$/, 'a page without a session goes to /login');
  await a11y('login');
  await screenshot(page, 'login', { fullPage: false });
  await page.getByLabel('用户名').fill('district-clerk');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录' }).click();
  t.match(await page.locator('.error-summary').innerText(), /用户名或密码不正确/, 'a wrong password is said in the summary');
  await logIn(page, base, 'district-clerk');
  t.match(await page.locator('h1').innerText(), /工作台/, 'the home page');
  await a11y('home');
  await screenshot(page, 'home');

  // Register a person: a wrong check digit first, then the number read back for confirmation.
  await page.getByRole('link', { name: '登记人员' }).first().click();
  const id = makeIdNumber('330102', '1999-07-16', 233);
  const wrongId = `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`;
  await page.getByLabel('姓名').fill('王建军');
  await page.getByLabel('公民身份号码').fill(wrongId);
  t.match(await page.locator('#id-echo').innerText(), /校验位不对/, 'the page checks the number as it is typed');
  await page.getByLabel('所属村（社区）服务站').selectOption('qiaotou');
  await page.getByLabel('退役军人', { exact: true }).check();
  await page.getByLabel('士兵类别').selectOption('conscript');
  await page.getByLabel('退役时间').fill('2026-09-10');
  await page.getByLabel('安置方式').selectOption('self-employment');
  await page.getByRole('button', { name: '检查' }).click();
  t.match(await page.locator('.error-summary').innerText(), /公民身份号码不正确/, 'the server refuses a wrong check digit, in Chinese');
  t.equal(await page.getByLabel('姓名').inputValue(), '王建军', 'nothing typed is lost');
  await page.getByLabel('公民身份号码').fill(id);
  await page.getByRole('button', { name: '检查' }).click();
  const confirm = await page.locator('.confirm-box').innerText();
  t.match(confirm, /1999-07-16/, 'birth date read from the number');
  t.match(confirm, /男/, 'sex read from the number');
  await a11y('register (confirmation)');
  await screenshot(page, 'person-new');
  await page.getByRole('button', { name: '确认登记' }).click();
  await page.waitForURL(/\/persons\/[^/?]+\?registered=1$/);
  t.match(await page.locator('h1').innerText(), /王建军/);
  t.match(await page.locator('.chain-item', { hasText: '现役军人家庭困难帮扶救助' }).innerText(), /不适用|不能办理/, 'items the person cannot have say why');
  await a11y('person file');
  await screenshot(page, 'person', { key: true });

  // Start an item: discharge reporting.
  await page.locator('.chain-item', { hasText: '退役士兵报到接收' }).getByRole('button', { name: /开始办理/ }).click();
  await page.waitForURL(/\/cases\/[^/?]+$/);
  const caseUrl = page.url();
  t.match(await page.locator('.case-status').innerText(), /窗口报到/, 'the case is at its first step');
  t.match(await page.locator('.steps').innerText(), /窗口报到/, 'the steps of the item are shown');
  await a11y('case step');
  await screenshot(page, 'case-step');

  // Return for materials (一次性告知补正).
  await page.getByRole('link', { name: '一次性告知补正' }).click();
  await page.getByRole('group', { name: /需补正的材料/ }).getByRole('checkbox', { name: '退出现役证' }).check();
  await page.getByLabel('补正说明').fill('请补交退出现役证原件');
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/RETURN\/check$/);
  t.match(await page.locator('.summary').innerText(), /退出现役证/, 'check your answers shows the material by name');
  await a11y('check your answers');
  await screenshot(page, 'check', { key: true });
  await page.getByRole('button', { name: /确认提交/ }).click();
  await page.waitForURL(/\?done=\d+$/);
  t.match(await page.locator('.success-box').innerText(), /补正材料通知书/, 'the notice to print is offered after the step');

  // The applicant comes back with the certificate: ticked and photographed.
  await page.getByRole('group', { name: /补交材料/ }).getByRole('checkbox', { name: '退出现役证' }).check();
  await page.locator('#up-discharge-certificate').setInputFiles({ name: 'certificate.png', mimeType: 'image/png', buffer: PNG });
  await page.waitForFunction("document.querySelector('input[name=\"_thumb.file.discharge-certificate\"]').value.startsWith('data:image/jpeg')");
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/RESUBMIT\/check$/);
  t.ok(await page.locator('.thumbs img').count() >= 1, 'the photo is shown as a thumbnail');
  const thumbSrc = await page.locator('.thumbs img').first().getAttribute('src');
  const thumbRes = await page.request.get(`${base}${thumbSrc}`);
  t.equal(thumbRes.headers()['content-type'], 'image/jpeg', 'made in the browser, small, and served for the list');
  await page.getByRole('button', { name: /确认提交/ }).click();
  await page.waitForURL(/\?done=\d+$/);
  t.match(await page.locator('.case-status').innerText(), /窗口报到/, 'back at reception');

  // The intake, with two mistakes: a bad mobile number and no reporting date.
  await page.getByLabel('手机号码').fill('12345');
  await page.getByLabel('报到日期').fill('');
  await page.getByLabel('安置方式').selectOption('self-employment');
  await page.getByRole('group', { name: /是否党（团）员/ }).getByLabel('否').check();
  for (const m of ['退出现役证', '部队行政介绍信', '居民身份证或户口登记材料']) await page.getByRole('group', { name: /已收材料/ }).getByRole('checkbox', { name: m }).check();
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  const summaryText = await summary.innerText();
  t.match(summaryText, /手机号码/, 'the summary names the mobile number');
  t.match(summaryText, /报到日期/, 'the summary names the missing date');
  t.match(await page.locator('#f-mobile-field .error-message').innerText(), /11位/, 'the error is beside the field too');
  t.equal(await page.getByLabel('手机号码').inputValue(), '12345', 'what was typed stays');
  t.equal(await page.getByLabel('安置方式').inputValue(), 'self-employment', 'other answers stay');
  t.equal(await page.evaluate("document.activeElement && document.activeElement.classList.contains('error-summary')"), true, 'the summary takes the focus');
  await a11y('form with errors');
  await screenshot(page, 'case-errors', { key: true });
  await summary.getByRole('link', { name: /手机号码/ }).click();
  t.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'f-mobile', 'the summary link leads to the field');
  await page.getByLabel('手机号码').fill('13800138000');
  await page.getByLabel('报到日期').fill('2026-09-20');
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/SUBMIT\/check$/);
  t.match(await page.locator('.summary').innerText(), /13800138000/);
  await page.getByRole('button', { name: /确认提交/ }).click();
  await page.waitForURL(/\?done=\d+$/);
  const accepted = await page.locator('.success-box').innerText();
  t.match(accepted, /材料接收回执/, 'the receipt is issued');
  t.match(accepted, /受理通知书/, 'the notice of acceptance is issued');

  // Receive the file and close.
  await page.getByLabel('档案接收日期').fill('2026-09-22');
  await page.getByLabel('档案密封完好').check();
  await page.getByLabel('户口登记介绍信编号').fill('新退役户〔2026〕88号');
  await page.getByLabel(/已告知40日内/).check();
  // The 户口登记介绍信's particulars: what the person file gave is prefilled, the rest typed.
  const prefilled = async (field: string, value: string) => { const f = page.locator(`[name="d.${field}"]`); if (await f.count() && !(await f.inputValue())) await f.fill(value); };
  await prefilled('birthDate', '1990-05-17');
  await prefilled('enlistmentDate', '2020-09-10');
  const sex = page.locator('[name="d.sex"]');
  if (await sex.count() && !(await page.locator('[name="d.sex"]:checked').count())) await sex.first().check();
  await page.getByLabel('入伍时户口所在地').fill('浙江省新河区东城镇河西村');
  await page.getByLabel('落户地址').fill('浙江省新河区东城镇河西村12号');
  await page.getByLabel('办理户口登记的公安派出所').fill('新河区公安分局东城派出所');
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/RECORD_ARCHIVE\/check$/);
  await page.getByRole('button', { name: /确认提交/ }).click();
  await page.waitForURL(/\?done=\d+$/);
  t.match(await page.locator('.case-status').innerText(), /办结/, 'the case is completed');
  await a11y('completed case');
  await screenshot(page, 'case-done', { key: true });

  // Download the notice of completion.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.success-box a[data-notice-download]', { hasText: '下载PDF' }).first().click(),
  ]);
  const pdfPath = await download.path();
  t.equal(readFileSync(pdfPath).subarray(0, 5).toString('latin1'), '%PDF-', 'the notice downloads as a PDF');

  const history = await page.locator('#history').innerText();
  for (const entry of ['创建案件', '一次性告知补正', '上传材料', '补正后重新提交', '确认报到', '档案接收并开具户口登记介绍信']) t.match(history, entry, `history: ${entry}`);
  t.match(history, /区局 陈静/, 'history says who');

  // Counter mode and the receipt.
  await page.getByRole('button', { name: '窗口模式' }).click();
  await page.goto(`${caseUrl}/receipt`);
  t.match(await page.locator('.receipt').innerText(), /退出现役证/, 'the receipt lists the materials received');
  t.equal(await page.locator('svg.qr').count(), 1, 'with a QR code');
  await a11y('receipt');
  await screenshot(page, 'receipt');

  // English on request, remembered.
  await page.goto(caseUrl);
  await page.getByRole('link', { name: 'English' }).click();
  t.equal(await page.locator('html').getAttribute('lang'), 'en');
  t.match(await page.locator('#history-title').innerText(), 'History', 'the page in English');
  await a11y('case page in English');
  await screenshot(page, 'case-en');
  await page.getByRole('link', { name: '中文' }).click();
  t.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');

  // Phone width.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(caseUrl);
  t.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), true, 'no sideways scrolling at phone width');
  await screenshot(page, 'case-phone', { key: true, fullPage: false });

  t.same(problems, [], 'no console errors, no content refused by the CSP');
});
