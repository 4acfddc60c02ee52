import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { manualClock } from '../src/clock.ts';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { shanghaiDate } from '../src/time/shanghai.ts';
import { build, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { flat, readText } from './helpers/notice-pdf.ts';
import { PageClient } from './helpers/pages.ts';

t.setTimeout(600_000);

const CASE_NO = /^退报-2026-\d{5}$/;

/** Registers `n` veterans in 桥头村 (the village clerk's station) and answers their ids. */
async function veterans(app: Awaited<ReturnType<typeof build>>, n: number): Promise<string[]> {
  const clerk = await login(app, 'village-clerk');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await app.inject({
      method: 'POST', url: '/api/v1/persons', headers: clerk,
      payload: { name: `编号${i}`, idNumber: makeIdNumber('330102', '1999-05-01', 401 + i * 2), attributes: { category: 'veteran' } },
    });
    if (r.statusCode !== 201) throw new Error(r.body);
    ids.push(r.json().id);
  }
  return ids;
}

t.test('cases opened at once each get the next number of their item and year, children their own item\'s', async (t) => {
  const app = await build(t, { clock: manualClock('2026-11-24T02:30:00Z') });
  const clerk = await login(app, 'district-clerk');
  const persons = await veterans(app, 12);
  // All at once: on PostgreSQL they run in parallel transactions and queue on the counter row.
  const opened = await Promise.all(persons.map((p) => openCase(app, clerk, 'discharge-reporting', p)));
  t.same(opened.map((r) => r.statusCode), persons.map(() => 201), 'every opening succeeds');
  const numbers = opened.map((r) => r.json().caseNo as string);
  t.ok(numbers.every((n) => CASE_NO.test(n)), `numbers look like 退报-2026-00001: ${numbers.join(' ')}`);
  t.same([...numbers].sort(), persons.map((_, i) => `退报-2026-${String(i + 1).padStart(5, '0')}`), 'distinct, and no number skipped');

  // The list and one case answer the same number, beside the id.
  const one = opened[0]!.json();
  const view = (await app.inject({ url: `/api/v1/cases/${one.id}`, headers: clerk })).json();
  t.equal(view.caseNo, one.caseNo, 'GET /cases/:id carries caseNo');
  const listed = (await app.inject({ url: `/api/v1/cases?caseNo=${encodeURIComponent(one.caseNo)}`, headers: clerk })).json();
  t.same(listed.items.map((i: { id: string; caseNo: string }) => [i.id, i.caseNo]), [[one.id, one.caseNo]], '?caseNo= finds that one case');
  const typed = one.caseNo.replace(/-/g, '－').replace(/－0+(\d+)$/, '－$1');
  const loose = (await app.inject({ url: `/api/v1/cases?caseNo=${encodeURIComponent(typed)}`, headers: clerk })).json();
  t.same(loose.items.map((i: { id: string }) => i.id), [one.id], `typed as ${typed} (full-width dashes, no zeros) too`);
  const bad = await app.inject({ url: '/api/v1/cases?caseNo=abc', headers: clerk });
  t.equal(bad.statusCode, 400, 'a text that is no case number is refused');
  t.match(bad.json().errors, [{ path: '/querystring/caseNo', message: /“abc”不是案件编号/ }]);

  // Opening the same item again names the case already open.
  const again = await openCase(app, clerk, 'discharge-reporting', persons[0]!);
  t.equal(again.statusCode, 409);
  t.equal(again.json().message, `该对象已有同一事项的在办案件 ${numbers[0]}`, 'the refusal names the open case by its number');

  // Completing the report starts child cases in the same transaction: each numbered in its own item's series.
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake)).statusCode, 200);
  t.equal((await send(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm)).statusCode, 200);
  type Listed = { parentCaseId: string | null; workflowId: string; caseNo: string };
  const children = ((await app.inject({ url: '/api/v1/cases?limit=200', headers: clerk })).json().items as Listed[])
    .filter((i) => i.parentCaseId === c.id);
  t.ok(children.length >= 2, `the report started child cases (${children.map((x) => x.caseNo).join(' ')})`);
  const files = readWorkflowFiles().files;
  for (const child of children) {
    const abbreviation = files.find((f) => f.definition.id === child.workflowId)!.definition.abbreviation;
    t.equal(child.caseNo, `${abbreviation}-2026-00001`, `${child.workflowId}: the first of its own series`);
  }
});

t.test('a case opened after midnight Beijing time on New Year\'s Eve (UTC) starts the new year\'s series', async (t) => {
  const clock = manualClock('2026-12-31T15:59:00Z');
  const app = await build(t, { clock });
  const clerk = await login(app, 'district-clerk');
  const [a, b] = await veterans(app, 2);
  t.equal((await openCase(app, clerk, 'discharge-reporting', a!)).json().caseNo, '退报-2026-00001', '23:59 in Beijing: 2026');
  clock.set('2026-12-31T16:00:00Z');
  t.equal((await openCase(app, clerk, 'discharge-reporting', b!)).json().caseNo, '退报-2027-00001', '00:00 in Beijing: 2027, from 1');
});

// The page client keeps cookies by the real time: these run on the real clock.
t.test('clerks see the number on the case page, the home list and the notice, and find the case by it', async (t) => {
  const app = await build(t);
  const api = await login(app, 'district-clerk');
  const c = (await openCase(app, api, 'discharge-reporting', 'p-zhang-wei')).json();
  t.match(c.caseNo, /^退报-\d{4}-00001$/);
  t.equal((await send(app, api, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);

  const page = new PageClient(app);
  await page.login('district-clerk');
  const casePage = await page.get(`/cases/${c.id}`);
  t.equal(casePage.statusCode, 200);
  t.match(casePage.body, new RegExp(`<title>${c.caseNo} · `), 'the page title starts with the number');
  t.match(casePage.body, new RegExp(`<h1>[^<]*<span class="h-sub case-no">${c.caseNo}</span></h1>`), 'the heading carries it');
  t.match(casePage.body, new RegExp(`aria-current="page">[^<]*（${c.caseNo}）</a>`), 'and the breadcrumb');
  t.notOk(casePage.body.includes(`<span class="mono">${c.id}</span>`), 'the id is no longer shown as the case number');

  const home = await page.get('/');
  t.match(home.body, new RegExp(`<td class="case-no">${c.caseNo}</td>`), 'my open cases on the home page name it');

  // The search box: the number opens the case, however it was typed; another area's clerk does not find it.
  const found = await page.post('/search', { q: ` ${c.caseNo.replace(/-0+/, '—')} ` });
  t.equal(found.statusCode, 303);
  t.equal(found.headers.location, `/cases/${c.id}`, 'a case number in the search box opens its case');
  const other = new PageClient(app);
  await other.login('xishan-clerk');
  await other.get('/');
  const elsewhere = await other.post('/search', { q: c.caseNo });
  t.equal(elsewhere.statusCode, 404);
  t.match(elsewhere.body, `本辖区没有编号为 ${c.caseNo} 的案件`, 'outside the area: not found, said plainly');

  // The receipt and the acceptance notice print it (pdftotext), not the id.
  await app.notices.renderJob.idle();
  const items = (await app.inject({ url: `/api/v1/cases/${c.id}/notices`, headers: api })).json().items as { code: string; kind: string }[];
  for (const kind of ['receipt', 'accepted']) {
    const n = items.find((i) => i.kind === kind)!;
    const text = flat(readText((await app.inject({ url: `/api/v1/notices/${n.code}.pdf`, headers: api })).rawPayload));
    t.ok(text.includes(flat(c.caseNo)), `the ${kind} PDF says ${c.caseNo}`);
    t.notOk(text.includes(c.id.slice(0, 8)), `and not the id (${kind})`);
  }
  const receiptPage = await page.get(`/cases/${c.id}/receipt`);
  t.match(receiptPage.body, `<dd class="case-no">${c.caseNo}</dd>`, 'the printed receipt page names it');

  // The inspectors' CSV names each entry's case by its number first.
  const today = shanghaiDate(app.clock.now());
  const csv = await app.inject({ url: `/api/v1/audit/events?from=${today}&to=${today}&format=csv`, headers: await login(app, 'supervisor') });
  t.equal(csv.statusCode, 200, csv.body.slice(0, 200));
  const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
  t.equal(lines[0]!.split(',')[0], '案件编号 case no');
  t.ok(lines.some((l) => l.startsWith(`${c.caseNo},${c.id},discharge-reporting,`)), 'a row of the case starts with its number');
});

t.test('a failed batch act names each case by its number and says why', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const open = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  const closed = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, closed.id, 'SUBMIT', dischargeIntake)).statusCode, 200);
  t.equal((await send(app, clerk, closed.id, 'RECORD_ARCHIVE', archiveForm)).statusCode, 200);

  const supervisor = await login(app, 'supervisor');
  const res = await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: supervisor, payload: { caseIds: [open.id, closed.id, 'no-such-case'], reason: '超期未办' } });
  t.equal(res.statusCode, 200);
  t.match(res.json().results, [
    { caseId: open.id, caseNo: open.caseNo, ok: true },
    { caseId: closed.id, caseNo: closed.caseNo, ok: false, code: 'CASE_CLOSED' },
    { caseId: 'no-such-case', caseNo: null, ok: false, code: 'NOT_FOUND' },
  ], 'each result carries the number of a case in the area');

  const page = new PageClient(app);
  await page.login('supervisor');
  await page.get('/supervision');
  const acted = await page.follow(await page.post('/supervision/act', { action: 'escalate', text: '超期未办', caseId: [closed.id] }));
  const failed = /<div class="error-summary" role="alert"[^>]*id="batch-failed">[\s\S]*?<\/div>/.exec(acted.body)?.[0] ?? '';
  t.match(failed, new RegExp(`<a href="/cases/${closed.id}">${closed.caseNo} [^<]*</a>：案件已办结`), 'the failure on the page names the closed case by its number, with the reason');
  t.notOk(failed.includes(`>${closed.id}<`), 'not by its id');
});

t.test('the linter refuses an abbreviation two items share', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'caseno-lint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const folder = new URL('../workflows/', import.meta.url);
  for (const id of ['discharge-reporting', 'veteran-profile']) {
    const d = JSON.parse(readFileSync(new URL(`${id}.json`, folder), 'utf8'));
    d.abbreviation = '退报';
    writeFileSync(join(dir, `${id}.json`), JSON.stringify(d));
  }
  // Other findings of the two files alone (child items not among them) are not this test's business.
  const findings = readWorkflowFiles(dir, undefined, 'en').findings.filter((f) => f.path === '$.abbreviation');
  t.same(findings.map((f) => [f.file, f.path, f.message]), [
    ['workflows/discharge-reporting.json', '$.abbreviation', 'the abbreviation "退报" is used by veteran-profile too: it starts the item\'s case numbers, so each item needs its own'],
    ['workflows/veteran-profile.json', '$.abbreviation', 'the abbreviation "退报" is used by discharge-reporting too: it starts the item\'s case numbers, so each item needs its own'],
  ], 'both files are named, at the abbreviation');
  t.same(readWorkflowFiles().findings, [], 'the 22 items have distinct abbreviations');

  const missing = JSON.parse(readFileSync(new URL('discharge-reporting.json', folder), 'utf8'));
  delete missing.abbreviation;
  writeFileSync(join(dir, 'veteran-profile.json'), JSON.stringify({ ...missing, id: 'veteran-profile' }));
  const without = readWorkflowFiles(dir, undefined, 'en').findings.filter((f) => f.file === 'workflows/veteran-profile.json');
  t.match(without, [{ message: /abbreviation/ }], 'an item without one is refused');
});
