import t from 'tap';
import type { Page } from 'playwright-core';
import { build } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { establishProfile, padJpeg, PHONE, register, VETERAN } from './helpers/money-persons.ts';
import { sectionWith } from './helpers/sections.ts';

t.setTimeout(300_000);

/** Starts an item from the person file's chain list, as a clerk does, and opens its first form. */
async function startFromFile(page: Page, base: string, personId: string, workflowId: string): Promise<void> {
  await page.goto(`${base}/persons/${personId}`);
  await page.locator(`form:has(input[name="workflowId"][value="${workflowId}"]) button`).click();
  await page.waitForURL(/\/cases\/[^/]+$/);
  await page.goto(`${page.url()}/act/SUBMIT`);
}

/**
 * From the step's task list (ADR 0021), opens the page of the section that asks `field`, by its link,
 * as a clerk does; the section is found in the definition.
 */
async function openSection(page: Page, workflowId: string, field: string): Promise<void> {
  const section = sectionWith(workflowId, 'SUBMIT', field);
  const taskList = page.url().replace(/\/section\/\d+$/, '');
  if (page.url() !== taskList) await page.goto(taskList);
  await page.getByRole('link', { name: section.title.zh, exact: true }).click();
  await page.waitForURL(new RegExp(`/act/SUBMIT/section/${section.n}$`));
}

/** Saves a section's page, back to the task list. */
async function saveSection(page: Page): Promise<void> {
  await page.getByRole('button', { name: '保存并返回任务列表' }).click();
  await page.waitForURL(/\/act\/SUBMIT$/);
}

/** A picture the browser encodes itself (canvas → JPEG or PNG), so the photo is a real one. */
async function canvasImage(page: Page, type: 'image/jpeg' | 'image/png'): Promise<Buffer> {
  const bytes = await page.evaluate(`new Promise((resolve) => {
    const c = document.createElement('canvas'); c.width = 352; c.height = 440;
    const g = c.getContext('2d');
    for (let i = 0; i < 400; i++) { g.fillStyle = 'hsl(' + (i * 37 % 360) + ',60%,50%)'; g.fillRect((i * 53) % 352, (i * 97) % 440, 6, 6); }
    c.toBlob((b) => b.arrayBuffer().then((a) => resolve(Array.from(new Uint8Array(a)))), '${type}', 0.6);
  })`) as number[];
  return Buffer.from(bytes);
}

t.test('money in yuan and prefill from the person file, in the browser', { skip: chromiumMissing, timeout: 280_000 }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const personId = await register(app, 411, VETERAN);
  const browser = await launch(t);
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })).newPage();
  const problems = watchConsole(page);
  const a11y = async (name: string) => t.same(await axeViolations(page), [], `${name}: no accessibility violations`);
  await logIn(page, base, 'village-clerk');

  await startFromFile(page, base, personId, 'hardship-assistance');
  const hardship = 'hardship-assistance';
  await openSection(page, hardship, 'mobile');
  t.equal(await page.getByLabel('手机号码').inputValue(), PHONE, 'the phone arrives from the person file');
  t.match(await page.locator('#f-mobile-hint').innerText(), /已按人员档案填写/);
  await saveSection(page);
  await openSection(page, hardship, 'monthlyIncomeFen');
  // By value: the labels of array choices are another branch's work (labels).
  await page.locator('input[name="d.hardshipTypes"][value="medical"]').check();
  await page.locator('#f-statement').fill('本人大病住院，医疗费用负担重');
  await page.locator('#f-householdSize').fill('3');
  const income = page.locator('#f-monthlyIncomeFen');
  await income.fill('1234.5');
  t.equal(await page.locator('[data-yuan-echo="f-monthlyIncomeFen"]').innerText(), '= 1,234.50 元', 'the amount read back while it is typed');
  await a11y('form with an amount in yuan');
  await saveSection(page);
  await openSection(page, hardship, 'byAgent');
  await page.getByRole('group', { name: /是否代为申请/ }).getByLabel('否').check();
  await saveSection(page);
  await openSection(page, hardship, 'materials');
  for (const m of ['帮扶援助申请表', '居民身份证', '户口簿', '家庭收入、财产申报', '困难情况证明材料', '诊断证明及医疗费用票据']) {
    await page.getByRole('group', { name: /已收材料/ }).getByRole('checkbox', { name: new RegExp(m) }).first().check();
  }
  await saveSection(page);
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/SUBMIT\/check$/);
  t.match(await page.locator('main').innerText(), /家庭月收入\s*1,234.50 元/, 'the check page says yuan');
  await a11y('check page');
  await screenshot(page, 'money-check');
  await page.getByRole('button', { name: /确认提交/ }).click();
  await page.waitForURL(/\?done=\d+$/);
  t.match(await page.locator('main').innerText(), /1,234.50 元/, 'the case page says yuan');
  t.notMatch(await page.locator('main').innerText(), /123450/, 'never the fen');
  await a11y('case page');

  // The veteran's profile asks 政治面貌 again: it arrives chosen, and can be changed.
  await startFromFile(page, base, personId, 'veteran-profile');
  await openSection(page, 'veteran-profile', 'politicalStatus');
  t.equal(await page.getByLabel('政治面貌').inputValue(), 'party-member', 'political status from the person file');
  t.match(await page.locator('#f-politicalStatus-hint').innerText(), /已按人员档案填写/);
  await a11y('prefilled form');
  await openSection(page, 'veteran-profile', 'mobile');
  t.equal(await page.getByLabel('手机号码').inputValue(), PHONE);
  t.same(problems, [], 'no console errors or refused resources');
});

t.test('a photo outside its material\'s rule is refused on the page, the typed form kept; a good one is taken', { skip: chromiumMissing, timeout: 280_000 }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const personId = await register(app, 431, VETERAN);
  await establishProfile(app, personId, 431);
  const browser = await launch(t);
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })).newPage();
  const problems = watchConsole(page);
  await logIn(page, base, 'village-clerk');
  await startFromFile(page, base, personId, 'preferential-card');
  t.match(await page.locator('#up-photo-hint').innerText(), /须为 JPEG 格式，20–50 KB/, 'the rule is said before a file is chosen');

  await page.getByLabel('合作银行').selectOption('psbc');
  await page.getByRole('group', { name: /是否委托代办/ }).getByLabel('否').check();
  for (const m of ['居民身份证', '户口簿', '退役证件', '一寸白底证件照']) {
    await page.getByRole('group', { name: /已收材料/ }).getByRole('checkbox', { name: new RegExp(m) }).first().check();
  }
  const png = await canvasImage(page, 'image/png');
  await page.locator('#up-photo').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  const kb = String(Math.round((png.length / 1024) * 10) / 10);
  t.match(await summary.innerText(), `须为 JPEG 格式，20–50 KB；所选文件「photo.png」为 PNG，${kb} KB，未上传`, 'refused with the rule and what the file is');
  t.equal(await page.getByLabel('合作银行').inputValue(), 'psbc', 'the typed form is kept');
  t.equal(await page.getByLabel('手机号码').inputValue(), PHONE);
  t.same(await axeViolations(page), [], 'the refusal: no accessibility violations');
  await screenshot(page, 'photo-refused');

  const jpeg = padJpeg(await canvasImage(page, 'image/jpeg'), 30 * 1024);
  await page.locator('#up-photo').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/act\/SUBMIT\/check$/);
  t.ok(await page.locator('.thumbs img').count() >= 1, 'the good photo is stored and shown');
  t.same(problems, [], 'no console errors or refused resources');
});
