import t from 'tap';
import { build } from './helpers/build.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn, screenshot, watchConsole } from './helpers/browser.ts';
import { readPdf } from './helpers/notice-pdf.ts';
import { conscriptRows, ROSTER_HEADERS, xlsxBytes } from './helpers/rosters.ts';

t.setTimeout(180_000);

t.test('a clerk imports a roster in the browser, fixes nothing, approves the valid rows and prints the batch', { skip: chromiumMissing, timeout: 170_000 }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const browser = await launch(t);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const a11y = async (name: string) => t.same(await axeViolations(page), [], `${name}: no accessibility violations`);

  await logIn(page, base, 'district-clerk');

  // The recruiting office's list: twenty conscripts, three rows with mistakes; the header "领取账号" maps by itself.
  const headers = ROSTER_HEADERS.map((h) => (h === '银行账号' ? '领取账号' : h));
  const faults = new Map<number, 'check-digit' | 'bank' | 'station'>([[3, 'check-digit'], [7, 'bank'], [11, 'station']]);
  const rows = conscriptRows({ rows: 20, villages: ['桥头村', '河西社区', '山下村'], seed: 30_000, faults: (i) => faults.get(i) ?? null });
  await page.getByRole('link', { name: '名册导入' }).first().click();
  await page.waitForURL(`${base}/rosters`);
  await a11y('roster upload');
  await page.getByLabel('事项').selectOption('conscript-family-allowance');
  await page.getByLabel('期次').fill('2026-H2');
  await page.getByLabel('名册来文编号（如有）').fill('新征办〔2026〕12号');
  await page.getByLabel('名册文件').setInputFiles({ name: '2026下半年批准入伍名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsxBytes(headers, rows) });
  await page.getByRole('button', { name: '上传并检查' }).click();
  await page.waitForURL(/\/rosters\/[0-9a-f-]{36}$/);

  t.equal(await page.locator('#count-rows').innerText(), '20');
  t.equal(await page.locator('#count-valid').innerText(), '17', 'seventeen rows can be imported');
  t.equal(await page.locator('#count-error').innerText(), '3');
  const errorRows = page.locator('#roster-rows tr.row-error');
  t.equal(await errorRows.count(), 3, 'the rows with errors are marked');
  const errorText = await errorRows.allInnerTexts();
  t.match(errorText[0], /校验位/, 'a wrong check digit, said in Chinese');
  t.match(errorText[1], /领取账号：未填写/, 'a missing bank account');
  t.match(errorText[2], /外区某村/, 'a village that is not ours');
  t.notOk((await page.content()).includes(rows[0]![2]!), 'no full ID number on the page');
  await a11y('roster preview');
  await screenshot(page, 'roster-preview', { key: true });

  // Fix nothing: import the valid rows.
  await page.getByRole('button', { name: '导入有效的17行' }).click();
  await page.waitForSelector('#count-created');
  t.equal(await page.locator('#count-created').innerText(), '17', 'seventeen cases created');

  // Approve them together: the district's first step, each case with its own notice.
  const approve = page.getByRole('button', { name: /核对征兵办名单（17件）/ });
  await approve.click();
  await page.waitForSelector('#batch-result');
  t.match(await page.locator('#batch-result').innerText(), /成功17件/, 'every case moved on');
  await a11y('batch result');
  await screenshot(page, 'roster-batch', { key: true });

  const href = await page.locator('#print-batch').getAttribute('href');
  const res = await page.request.get(`${base}${href}`);
  t.equal(res.status(), 200);
  t.equal(res.headers()['content-type'], 'application/pdf');
  const pdf = readPdf(await res.body());
  t.ok(pdf.pages >= 17, `one PDF with every notice of the batch (${pdf.pages} pages)`);
  t.equal(pdf.text.match(/义务兵家庭优待金领取登记通知/g)?.length, 17, 'seventeen notices');
  const valid = rows.filter((_, i) => !faults.has(i)).map((r) => r[1]!);
  const at = valid.map((n) => pdf.text.indexOf(`${n}：`));
  t.ok(at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)), 'in roster order');

  t.same(problems, [], 'no console errors, no content refused by the CSP');
});
