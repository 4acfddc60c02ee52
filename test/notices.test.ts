import { sql } from 'kysely';
import t from 'tap';
import { manualClock } from '../src/clock.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { NoticeRenderJob } from '../src/notices/notice.jobs.ts';
import { noticeSettings } from '../src/notices/notice.settings.ts';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { flat, readPdf } from './helpers/notice-pdf.ts';

const NOW = '2026-11-24T02:30:00Z';
t.setTimeout(480_000);

async function notices(app: Awaited<ReturnType<typeof build>>, headers: Record<string, string>, caseId: string) {
  const res = await app.inject({ url: `/api/v1/cases/${caseId}/notices`, headers });
  type Item = { code: string; number: string; kind: string; issuedAt: string; verifyUrl: string; title: string };
  return { status: res.statusCode, items: res.statusCode === 200 ? (res.json().items as Item[]) : [] };
}

function tokenOf(verifyUrl: string): string {
  return verifyUrl.slice(verifyUrl.lastIndexOf('/') + 1);
}

t.test('notices are numbered, listed, printed the same each time, and verified', async (t) => {
  const app = await build(t, { clock: manualClock(NOW) });
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);

  const { items: all } = await notices(app, clerk, c.id);
  // Each kind numbers in its own series of the district's year (receipt 收, acceptance 受…), from 1.
  const mark = noticeSettings().series;
  const serials = new Map<string, number>();
  for (const n of all) {
    const serial = (serials.get(n.kind) ?? 0) + 1;
    serials.set(n.kind, serial);
    t.equal(n.code, `2026-${n.kind}-${String(serial).padStart(6, '0')}`, `${n.kind}: the next code of its series`);
    t.equal(n.number, `新退役${mark[n.kind as keyof typeof mark]}〔2026〕${serial}号`, `${n.kind}: printed without 第 or padding`);
  }
  // The receipt first, then the others of the step.
  const items = [all.find((n) => n.kind === 'receipt' && n.title === '材料接收回执')!, ...all.filter((n) => n.title !== '材料接收回执')];
  t.ok(items[0], 'a receipt was issued');
  t.ok(all.some((n) => n.kind === 'accepted'), 'and an acceptance');
  t.match(items[0], { issuedAt: '2026-11-24T02:30:00.000Z', verifyUrl: /^http:\/\/127\.0\.0\.1:\d+\/verify\/[A-Za-z0-9_-]{32}$/ });

  await app.notices.renderJob.idle();
  const stored = await app.db.selectFrom('notices').select(['code', 'pdf', 'sha256']).where('case_id', '=', c.id).orderBy('serial').execute();
  t.ok(stored.every((n) => n.pdf && n.sha256), 'the job made the PDFs after commit');
  const receiptRow = stored.find((n) => n.code === items[0]!.code)!;

  const res = await app.inject({ url: `/api/v1/notices/${items[0]!.code}.pdf`, headers: clerk });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/pdf');
  const pdf = res.rawPayload;
  t.ok(pdf.equals(receiptRow.pdf!), 'the stored bytes');
  const again = await app.inject({ url: `/api/v1/notices/${items[0]!.code}.pdf`, headers: clerk });
  t.ok(again.rawPayload.equals(pdf), 'printing again gives the same bytes');
  const facts = readPdf(pdf);
  const text = flat(facts.text);
  for (const s of ['张伟', items[0]!.number, '材料接收回执', '退出现役证', '原件已核验', c.caseNo, '2026年11月24日']) t.ok(text.includes(flat(s)), `the receipt says ${s}`);
  t.equal(facts.pages, 1);
  t.ok(pdf.length < 150 * 1024, `${pdf.length} bytes`);
  t.equal(facts.notdefGlyphs, 0);
  t.ok(facts.fonts.length > 0 && facts.fonts.every((f) => f.embedded && f.subset), 'fonts embedded as subsets');
  t.ok(facts.inkRatio > 0.01, 'page 1 is not blank');

  const token = tokenOf(items[0]!.verifyUrl);
  const v = await app.inject({ url: `/verify/${token}`, headers: { accept: 'application/json' } });
  t.equal(v.statusCode, 200);
  t.same(v.json(), { genuine: true, unchanged: true, matchesFile: null, kind: 'receipt', title: '材料接收回执', issuedDate: '2026年11月24日', issuer: '新河区退役军人事务局', name: '张*' },
    'only kind, date, issuer and a masked name');
  const html = await app.inject({ url: `/verify/${token}` });
  t.match(html.headers['content-type'], /text\/html/);
  t.match(html.body, /存档内容完整未被改动/);
  t.notMatch(html.body, /张伟|330102/);
  const file = await app.inject({ method: 'POST', url: `/verify/${token}`, headers: { 'content-type': 'application/pdf' }, payload: pdf });
  t.equal(file.json().matchesFile, true, 'the issued file matches');
  const forged = Buffer.from(pdf);
  forged[forged.length - 20] ^= 1;
  t.equal((await app.inject({ method: 'POST', url: `/verify/${token}`, headers: { 'content-type': 'application/pdf' }, payload: forged })).json().matchesFile, false, 'a changed file does not');
  const unknown = await app.inject({ url: '/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', headers: { accept: 'application/json' } });
  t.equal(unknown.statusCode, 404);
  t.same(unknown.json(), { genuine: false });

  const xishan = await login(app, 'xishan-clerk');
  t.equal((await notices(app, xishan, c.id)).status, 404, 'outside the jurisdiction the case has no notices');
  t.equal((await app.inject({ url: `/api/v1/notices/${items[0]!.code}.pdf`, headers: xishan })).statusCode, 404, 'nor can its PDF be fetched');
  t.equal((await app.inject({ url: `/api/v1/notices/${items[0]!.code}.pdf` })).statusCode, 401);
  t.equal((await app.inject({ url: '/api/v1/notices/2026-999999.pdf', headers: clerk })).statusCode, 404);

  // The service's runtime role may only add the PDF (src/db/runtime-role.ts); the trigger holds even that to once.
  await t.rejects(sql`update notices set content = 'forged' where code = ${items[0]!.code}`.execute(app.db), /permission denied for table notices/, 'the text cannot be changed');
  await t.rejects(sql`update notices set pdf = ${Buffer.from('x')} where code = ${items[0]!.code}`.execute(app.db), /immutable/, 'nor the PDF once made');
  await t.rejects(sql`delete from notices where code = ${items[0]!.code}`.execute(app.db), /permission denied for table notices/, 'nor is a notice deleted');
});

t.test('a refusal needs its reason, basis and appeal route, and prints the remedies', async (t) => {
  const app = await build(t, { clock: manualClock(NOW) });
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const refusal = {
    reasonCode: 'resettled-elsewhere', reason: '经核查，你的安置地为西湖区，不在本区。',
    legalBasis: '《退役军人安置条例》第四十五条',
  };
  const { legalBasis: _, ...noBasis } = refusal;
  const bad = await send(app, clerk, c.id, 'REFUSE', noBasis, 1);
  t.equal(bad.statusCode, 422);
  t.ok(bad.json().errors.some((e: { path: string }) => e.path === '/legalBasis'));
  t.same((await notices(app, clerk, c.id)).items, [], 'nothing issued, no number taken');

  t.equal((await send(app, clerk, c.id, 'REFUSE', refusal, 1)).statusCode, 200);
  const [n] = (await notices(app, clerk, c.id)).items;
  t.match(n, { kind: 'refusal', code: '2026-refusal-000001', number: '新退役告〔2026〕1号' }, 'the failed attempt left no gap');
  const pdf = (await app.inject({ url: `/api/v1/notices/${n!.code}.pdf`, headers: clerk })).rawPayload;
  const text = flat(readPdf(pdf).text);
  for (const s of [refusal.reason, refusal.legalBasis, '安置地不在本区', '六十日内向新河区人民政府申请行政复议', '六个月内向新河区人民法院提起行政诉讼', '不予受理告知书']) {
    t.ok(text.includes(flat(s)), `says ${s}`);
  }
});

t.test('a person named with rare characters gets a notice that prints the name', async (t) => {
  const app = await build(t, { clock: manualClock(NOW) });
  const clerk = await login(app, 'district-clerk');
  const name = '龑𠮷䶮堃';
  const p = await app.inject({
    method: 'POST', url: '/api/v1/persons', headers: clerk,
    payload: { name, idNumber: makeIdNumber('330102', '2001-04-09', 157), stationId: 'qiaotou', attributes: { category: 'veteran', soldierType: 'conscript', dischargeDate: '2026-09-05', placementType: 'self-employment' } },
  });
  t.equal(p.statusCode, 201, p.body);
  const c = (await openCase(app, clerk, 'discharge-reporting', p.json().id)).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', { ...dischargeIntake, name, idNumber: makeIdNumber('330102', '2001-04-09', 157) }, 1)).statusCode, 200);
  const { items } = await notices(app, clerk, c.id);
  for (const n of items) {
    const pdf = (await app.inject({ url: `/api/v1/notices/${n.code}.pdf`, headers: clerk })).rawPayload;
    const facts = readPdf(pdf);
    t.ok(flat(facts.text).includes(name), `${n.title}: the name extracts as text`);
    t.equal(facts.notdefGlyphs, 0, 'no missing glyph');
    t.ok(facts.fonts.every((f) => f.embedded && f.subset));
    t.ok(pdf.length < 150 * 1024);
    const v = (await app.inject({ url: `/verify/${tokenOf(n.verifyUrl)}`, headers: { accept: 'application/json' } })).json();
    t.equal(v.name, '龑***', 'the verify page masks the name');
  }
});

t.test('a notice asked for before its PDF exists is rendered on the spot; the sweep renders what was left', async (t) => {
  const app = await build(t, { clock: manualClock(NOW) });
  await app.notices.renderJob.close(); // as if the process had died right after commit
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1);
  const pending = await app.db.selectFrom('notices').select(['id', 'code', 'title']).where('pdf', 'is', null).orderBy('serial').execute();
  t.ok(pending.length >= 2, 'no PDFs yet');

  const res = await app.inject({ url: `/api/v1/notices/${pending[0]!.code}.pdf`, headers: clerk });
  t.equal(res.statusCode, 200);
  t.ok(flat(readPdf(res.rawPayload).text).includes(flat(pending[0]!.title)));
  const row = await app.db.selectFrom('notices').select(['pdf', 'sha256']).where('id', '=', pending[0]!.id).executeTakeFirstOrThrow();
  t.ok(row.pdf?.equals(res.rawPayload), 'and stored');

  const job = new NoticeRenderJob(app.db, app.clock, app.log, 60_000);
  await job.sweep();
  await job.idle();
  await job.close();
  const left = await app.db.selectFrom('notices').select('id').where('pdf', 'is', null).execute();
  t.same(left, [], 'a sweep renders the rest');
});
