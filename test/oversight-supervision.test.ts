import t from 'tap';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { manualClock } from '../src/clock.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { insertVersionIfMissing } from '../src/definitions/workflow.repository.ts';
import { build, login } from './helpers/build.ts';
import { PageClient, textOf } from './helpers/pages.ts';

const HOUR = 3600_000;
const SLUGS = /\b(xinhe|dongcheng|xishan|qiaotou|hexi|shanxia|deadline-drill)\b/;

t.test('supervisors see the truth: open cases by their age, stations by name, tables by the filter, failures apart, the list exported', async (t) => {
  const clock = manualClock('2026-11-02T09:00:00+08:00');
  const app = await build(t, { clock, config: { sessionTtlMinutes: 60 * 24 * 365, sessionMaxHours: 24 * 365 } });
  const def = JSON.parse(readFileSync(new URL('./fixtures/deadline-drill.json', import.meta.url), 'utf8')) as WorkflowDefinition;
  await insertVersionIfMissing(app.db, def, 'test fixture', 'test', clock.now());
  const [district, sup, townSup] = await Promise.all(['district-clerk', 'supervisor', 'town-supervisor'].map((u) => login(app, u)));
  const open = async (personId: string) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'deadline-drill', personId } });
    t.equal(r.statusCode, 201, r.body.slice(0, 200));
    return r.json().id as string;
  };
  // Eleven cases of 东城镇 persons opened an hour apart, none moved on; one of 西山镇.
  const dongcheng: string[] = [];
  for (let i = 0; i < 11; i++) {
    dongcheng.push(await open(i % 2 ? 'p-li-jun' : 'p-zhang-wei'));
    clock.advance(HOUR);
  }
  const xishan = await open('p-zhao-lei');
  // The clock moves 18 days past the first opening: the cases have sat 432, 431 … 422 hours; the 西山 one 421.
  clock.set(new Date(new Date('2026-11-02T09:00:00+08:00').getTime() + 18 * 24 * HOUR));

  await t.test('the bottleneck report counts the open cases and their age in step', async (t) => {
    const r = await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30', headers: sup });
    t.equal(r.statusCode, 200, r.body.slice(0, 300));
    const town = r.json().rows.find((x: { state: string }) => x.state === 'townReview');
    // Ages 421…432 h (12 cases): median (426 + 427) / 2; 90th percentile at rank 0.9 × 11 = 9.9: 430 + 0.9.
    t.match(town, { workflowId: 'deadline-drill', item: { zh: '时限演练事项' }, step: { zh: '镇站审核' }, open: 12, medianHours: null });
    t.equal(town.openMedianHours, 426.5, 'median age of the open cases');
    t.ok(Math.abs(town.openP90Hours - 430.9) < 1e-9, `90th percentile age ${town.openP90Hours}`);
    const dc = (await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&stationId=dongcheng', headers: sup })).json().rows[0];
    t.match(dc, { open: 11, openMedianHours: 427 }, 'the station filter: 东城镇 only (422…432 h)');
    t.equal((await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&stationId=xishan', headers: townSup })).statusCode, 404, 'not outside one\'s area');

    const csv = await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&format=csv', headers: sup });
    t.ok(csv.body.startsWith('\uFEFF'), 'BOM');
    const [header, row] = parse(csv.body.slice(1)) as string[][];
    t.same(header!.slice(0, 2), ['事项', '环节']);
    t.same(row!.slice(0, 8), ['时限演练事项', '镇站审核', '12', '', '', '12', '426.5', '430.9'], 'titles, not slugs; the open cases and their hours');
    t.notMatch(csv.body, SLUGS, 'no slug in the CSV');
    const en = await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&format=csv&lang=en', headers: sup });
    t.match(en.body, 'Deadline drill,Town review', 'English on request');
    const svg = await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&format=svg', headers: sup });
    t.match(svg.body, '时限演练事项 · 镇站审核');
    t.match(svg.body, '在办12件已停留');
    t.match(svg.body, '426.5 / 430.9 h');
    t.notMatch(svg.body, SLUGS, 'no slug in the chart');
  });

  const page = new PageClient(app);
  await page.login('supervisor');

  await t.test('the supervision page: station names, tables that follow the station filter, open-case ages', async (t) => {
    const all = await page.get('/supervision?due=all');
    t.equal(all.statusCode, 200);
    const stations = textOf(all.body, 'stations-title');
    t.match(stations, /东城镇退役军人服务站 11 /);
    t.match(stations, /西山镇退役军人服务站 1 /);
    t.match(textOf(all.body, 'items-title'), /时限演练事项 12 /);
    t.match(textOf(all.body, 'bottleneck-title'), /时限演练事项 · 镇站审核 12 — — 12 426\.5 430\.9/, 'the slowest steps table shows the open cases\' age');
    const list = textOf(all.body, 'list-title');
    t.match(list, '东城镇退役军人服务站', 'held by: the station by name');
    const visible = all.body.replace(/<(select|option|input|a)\b[^>]*>/g, '').replace(/<[^>]+>/g, ' ');
    t.notMatch(visible, SLUGS, 'no station or item slug in the page text');

    const xs = await page.get('/supervision?due=all&stationId=xishan');
    const xsStations = textOf(xs.body, 'stations-title');
    t.match(xsStations, /西山镇退役军人服务站 1 /);
    t.notMatch(xsStations, '东城镇', 'the per-station table follows the station filter');
    t.match(textOf(xs.body, 'items-title'), /时限演练事项 1 /, 'and so does the per-item table');
    t.match(textOf(xs.body, 'bottleneck-title'), /时限演练事项 · 镇站审核 1 — — 1 421\.0 421\.0/, 'and the bottlenecks');
  });

  await t.test('the 承办人 filter lists only the people who hold open cases, by name', async (t) => {
    const before = await page.get('/supervision?due=all');
    const options = (html: string) => [...(/<select id="assigneeId"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!).matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]]);
    t.same(options(before.body), [['', '全部']], 'nobody holds a case yet');
    const r = await app.inject({ method: 'POST', url: '/api/v1/supervision/reassign', headers: sup, payload: { caseIds: [dongcheng[0]], userId: 'u-town-clerk' } });
    t.match(r.json().results, [{ ok: true }]);
    const after = await page.get('/supervision?due=all');
    t.same(options(after.body), [['', '全部'], ['u-town-clerk', '东城镇 李强']], 'the one holder, by name');
    const filtered = await page.get('/supervision?due=all&assigneeId=u-town-clerk');
    t.equal([...filtered.body.matchAll(/name="caseId" value="/g)].length, 1, 'the filter lists that holder\'s case');
  });

  await t.test('a batch with one failure: the failure in the error box, named, with its reason; the successes apart', async (t) => {
    await page.get('/supervision?due=all');
    // 山下村's clerk may take the 西山 case, not a 东城 one.
    const r = await page.post('/supervision/act', { action: 'reassign', userId: 'u-xishan-clerk', caseId: [xishan, dongcheng[1]!], back: 'due=all' });
    t.equal(r.statusCode, 200);
    t.match(r.body, /<div class="error-summary" role="alert"[^>]*id="batch-failed"/, 'the failure is in an alert, not the green box');
    const failed = textOf(r.body, 'batch-failed');
    t.match(failed, /1件未能办理 演练-\d{4}-\d{5} 李军 · 时限演练事项 ：山下村 周丽的辖区不含本案件所在地，不能接办/, 'named by person and item, with the reason in Chinese');
    t.notMatch(failed, /VALIDATION_FAILED|NOT_FOUND/, 'no code');
    t.match(r.body, /<div class="success-box" role="status"[^>]*id="batch-done"/);
    t.match(textOf(r.body, 'batch-done'), /1件已办理 演练-\d{4}-\d{5} 赵磊 · 时限演练事项/);
    const doneBox = r.body.slice(r.body.indexOf('id="batch-done"'), r.body.indexOf('</div>', r.body.indexOf('id="batch-done"')));
    t.notMatch(doneBox, '李军', 'the failed case is not in the green box');
  });

  await t.test('the case list exported as filtered: CSV and XLSX, masked, in Chinese, formula-safe', async (t) => {
    const list = (await app.inject({ url: '/api/v1/cases?stationId=dongcheng&status=open&limit=200', headers: sup })).json().items as { id: string }[];
    const csv = await app.inject({ url: '/api/v1/cases/export?format=csv&stationId=dongcheng&status=open', headers: sup });
    t.equal(csv.statusCode, 200, csv.body.slice(0, 200));
    t.match(csv.headers['content-type'], /text\/csv/);
    const disposition = String(csv.headers['content-disposition']);
    t.match(disposition, /^attachment; filename="?cases-2026-11-20\.csv"?; filename\*=UTF-8''/);
    t.equal(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!), '案件清单-2026-11-20.csv', 'saved under its Chinese name');
    t.ok(csv.body.startsWith('\uFEFF'), 'UTF-8 with BOM');
    const [header, ...rows] = parse(csv.body.slice(1)) as string[][];
    t.same(header!.slice(0, 6), ['姓名', '公民身份号码', '联系电话', '事项', '当前环节', '状态']);
    t.same(rows.map((r) => r.at(-1)), list.map((c) => c.id), 'the same cases in the same order as the list');
    const first = rows.find((r) => r.at(-1) === dongcheng[0])!;
    t.match(first, ['张伟', /^330102\*{8}\d{3}[\dX]$/, '138****8000', '时限演练事项', '镇站审核', '在办', '桥头村退役军人服务站', '东城镇退役军人服务站', '东城镇 李强', '']);
    const api = (await app.inject({ url: `/api/v1/cases/${dongcheng[0]}`, headers: sup })).json();
    t.equal(api.dueAt, '2026-11-09T15:59:59.999Z', 'due at the end of a Beijing day');
    t.same(first.slice(10, 15), ['2026-11-09 23:59', '是', '18', '2026-11-02 09:00', '2026-11-02 09:00'], 'due, overdue, days at step, opened and last step in Beijing time');
    t.notMatch(csv.body, /\d{17}[\dX]/, 'no full ID number');
    t.notMatch(csv.body, SLUGS, 'no slug');

    const xlsx = await app.inject({ url: '/api/v1/cases/export?format=xlsx&stationId=dongcheng&status=open', headers: sup });
    t.equal(xlsx.statusCode, 200);
    t.match(xlsx.headers['content-type'], /spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('案件清单')!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map(String);
    t.same(values(1), header, 'the same columns');
    t.equal(sheet.rowCount, rows.length + 1);
    t.same(values(2), rows[0], 'the same first row');
    for (let i = 2; i <= sheet.rowCount; i++) t.notMatch(values(i).join(','), /\d{17}[\dX]/, `row ${i}: no full ID number`);

    const filtered = await app.inject({ url: '/api/v1/cases/export?format=csv&assigneeId=u-town-clerk', headers: sup });
    t.equal(parse(filtered.body.slice(1)).length - 1, 1, 'the filters of the list apply');
    t.equal((await app.inject({ url: '/api/v1/cases/export?format=csv', headers: district })).statusCode, 403, 'for supervisors');
  });

  await t.test('a cell that looks like a formula is escaped in the CSV, kept as text in the XLSX', async (t) => {
    await app.db.updateTable('persons').set({ name: '=HYPERLINK("http://x","点我")' }).where('id', '=', 'p-zhao-lei').execute();
    const csv = await app.inject({ url: '/api/v1/cases/export?format=csv&stationId=xishan', headers: sup });
    const [, row] = parse(csv.body.slice(1)) as string[][];
    t.equal(row![0], '\'=HYPERLINK("http://x","点我")', 'a leading quote: the spreadsheet shows it as text');
    const xlsx = await app.inject({ url: '/api/v1/cases/export?format=xlsx&stationId=xishan', headers: sup });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cell = book.getWorksheet('案件清单')!.getCell('A2');
    t.equal(cell.type, ExcelJS.ValueType.String, 'a string cell, not a formula');
    t.equal(cell.value, '=HYPERLINK("http://x","点我")');
  });
});

t.test('an export over the limit is refused in Chinese before anything is sent', async (t) => {
  const app = await build(t, { config: { exportMaxRows: 1 } });
  const district = await login(app, 'district-clerk');
  for (const personId of ['p-zhang-wei', 'p-li-jun']) {
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'veteran-profile', personId } })).statusCode, 201);
  }
  const sup = await login(app, 'supervisor');
  const r = await app.inject({ url: '/api/v1/cases/export?format=xlsx', headers: sup });
  t.equal(r.statusCode, 422);
  t.match(r.json(), { code: 'EXPORT_TOO_MANY', message: '符合条件的案件有2件，一次最多导出1件，请缩小筛选范围（如按服务站、事项或期限）后再导出' });
  const narrower = await app.inject({ url: '/api/v1/cases/export?format=csv&stationId=hexi', headers: sup });
  t.equal(narrower.statusCode, 200, 'a narrower filter is exported');
  t.match(narrower.body, '李军');
});
