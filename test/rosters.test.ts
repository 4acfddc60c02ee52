import t from 'tap';
import { sql } from 'kysely';
import { openSnapshot } from '../src/cases/case.repository.ts';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';
import { readPdf } from './helpers/notice-pdf.ts';
import { conscriptRows, csvBytes, multipart, ROSTER_DEFAULTS, ROSTER_HEADERS, ROSTER_MAPPING, standardFaults, xlsxBytes } from './helpers/rosters.ts';
import { asOwnerOf } from './helpers/owner.ts';

t.setTimeout(300_000);

const ZHAO_LEI = { name: '赵磊', idNumber: makeIdNumber('330102', '2004-11-02', 191), village: '山下村' };
const ZHANG_WEI = { name: '张伟', idNumber: makeIdNumber('330102', '2002-03-15', 131), village: '桥头村' };

type Row = {
  row: number; status: string; errors: { field: string; message: string }[]; personId: string | null;
  caseId: string | null; idMasked: string; name: string;
};

t.test('a 2,000-row roster: preview with per-row errors, all valid cases created at once, a second import creates nothing', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const fields = (await app.inject({ url: '/api/v1/rosters/fields?workflowId=conscript-family-allowance', headers: clerk })).json().items;
  t.ok(fields.some((f: { key: string; title: string }) => f.key === 'bankAccount' && f.title === '领取账号'), 'the item\'s fields, with their Chinese titles');

  const rows = conscriptRows({ rows: 2000, faults: standardFaults, fixed: new Map([[50, ZHAO_LEI], [60, ZHANG_WEI]]) });
  const file = csvBytes(ROSTER_HEADERS, rows);
  const upload = (bytes: Buffer, name = 'roster.csv', period = '2026-H2', headers = clerk) => {
    const body = multipart({ workflowId: 'conscript-family-allowance', period, mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name, bytes });
    return app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...headers, ...body.headers }, payload: body.payload });
  };
  const personsBefore = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(app.db)).rows[0]!.n);

  let started = Date.now();
  const res = await upload(file);
  t.equal(res.statusCode, 201, res.body.slice(0, 300));
  const preview = res.json();
  t.comment(`preview of 2,000 rows: ${Date.now() - started} ms`);
  t.same(preview.counts, { rows: 2000, valid: 1919, duplicate: 0, error: 81, created: null }, 'every row checked: 80 deliberate errors and one person not eligible');
  t.same(preview.unmappedColumns, ['序号'], 'columns titled like a field map by themselves; only 序号 is left over');
  t.equal(preview.mapping['银行账号'], 'bankAccount', 'the explicit mapping is kept');
  t.equal(preview.mapping['领取人公民身份号码'], 'payeeIdNumber');
  t.equal(preview.mapping['批准入伍日期'], 'enlistmentDate', 'a header matches a title without its note in brackets');
  const byLine = new Map<number, Row>(preview.rows.map((r: Row) => [r.row, r]));
  const line = (i: number) => byLine.get(i + 2)!;
  t.match(line(7).errors[0].message, /校验位/, 'a bad check digit');
  t.match(line(13).errors[0].message, /与第14行为同一人/, 'a duplicate within the file names the first row');
  t.equal(line(12).status, 'valid', 'and the first of the two stays valid');
  t.match(line(29).errors[0].message, /没有名为“外区某村”/, 'a wrong station');
  t.match(line(41).errors.map((e) => e.message).join(), /领取账号：未填写/, 'a missing bank account');
  t.equal(line(50).status, 'valid', 'an existing person in the jurisdiction');
  t.equal(line(50).personId, 'p-zhao-lei', 'is found by the ID number (encrypted at rest)');
  t.match(line(60).errors[0].message, /不符合条件/, 'a veteran is not a serving conscript');
  t.notOk(JSON.stringify(preview).includes(rows[0]![2]!), 'the preview shows no full ID number');
  t.equal(line(0).idMasked, `${rows[0]![2]!.slice(0, 6)}********${rows[0]![2]!.slice(-4)}`);
  const raw = (await sql<{ t: string }>`select string_agg(data_enc, '') as t from roster_rows`.execute(app.db)).rows[0]!.t;
  t.notOk(raw.includes(rows[0]![2]!), 'stored rows hold no ID number in clear');
  t.equal((await app.db.selectFrom('cases').select('id').where('workflow_id', '=', 'conscript-family-allowance').execute()).length, 0, 'a preview creates nothing');

  started = Date.now();
  const commit = await app.inject({ method: 'POST', url: `/api/v1/rosters/${preview.id}/commit`, headers: clerk });
  t.equal(commit.statusCode, 202, 'a large roster is committed by a background job');
  await app.jobs.drain();
  const job = (await app.inject({ url: `/api/v1/jobs/${commit.json().jobId}`, headers: clerk })).json();
  t.comment(`commit of 1,919 cases: ${Date.now() - started} ms`);
  t.equal(job.status, 'succeeded', job.error ?? '');
  t.same(job.result, { rosterId: preview.id, created: 1919, duplicates: 0, errors: 81, newPersons: 1918 });
  const cases = await app.db.selectFrom('cases').select(['id', 'state', 'period', 'person_id', 'snapshot', 'roster_id']).where('roster_id', '=', preview.id).execute();
  t.equal(cases.length, 1919, 'one case per valid row');
  t.ok(cases.every((c) => c.state === 'listReceived' && c.period === '2026-H2'), 'at the first step, for the period');
  const personsAfter = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(app.db)).rows[0]!.n);
  t.equal(personsAfter - personsBefore, 1918, 'new persons registered; the existing one reused');
  const zhao = cases.find((c) => c.person_id === 'p-zhao-lei')!;
  const data = openSnapshot(zhao.id, zhao.snapshot).context.data;
  t.match(data, { conscriptName: '赵磊', conscriptIdNumber: ZHAO_LEI.idNumber, enlistmentDate: '2026-09-10', intake: 'second-half', hukouType: 'rural', collegeStudent: false, postedToTibetOrXinjiang: false, listDocumentNumber: '新征办〔2026〕12号', bankName: '中国农业银行新河支行', payeeRelation: 'mother' }, 'the row\'s data, in the fields of the item');
  const start = await app.db.selectFrom('case_events').select(['type', 'payload', 'actor_id']).where('case_id', '=', zhao.id).execute();
  t.equal(start.length, 1);
  t.match(start[0], { type: 'START', actor_id: 'u-district-clerk', payload: { rosterId: preview.id, rosterRow: 52 } }, 'the history says which roster and row');
  const view = (await app.inject({ url: `/api/v1/cases/${zhao.id}`, headers: clerk })).json();
  t.equal(view.version, 1, 'the case reads like any other');
  const after = (await app.inject({ url: `/api/v1/rosters/${preview.id}?status=created&limit=5`, headers: clerk })).json();
  t.equal(after.status, 'committed');
  t.equal(after.counts.created, 1919);
  t.ok(after.rows.every((r: Row) => r.caseId), 'each created row points at its case');

  const again = await upload(file, 'roster-again.csv');
  const second = again.json();
  t.same(second.counts, { rows: 2000, valid: 0, duplicate: 1919, error: 81, created: null }, 'the same people again: nothing new (item, subject and period)');
  t.match(second.rows[0].errors[0].message, /本期（2026-H2）已有/);
  const commit2 = await app.inject({ method: 'POST', url: `/api/v1/rosters/${second.id}/commit`, headers: clerk });
  await app.jobs.drain();
  t.match((await app.inject({ url: `/api/v1/jobs/${commit2.json().jobId}`, headers: clerk })).json(), { status: 'succeeded', result: { created: 0, duplicates: 1919 } });
  t.equal((await app.db.selectFrom('cases').select('id').where('workflow_id', '=', 'conscript-family-allowance').execute()).length, 1919, 'still 1,919 cases');
  const twice = await app.inject({ method: 'POST', url: `/api/v1/rosters/${preview.id}/commit`, headers: clerk });
  t.equal(twice.statusCode, 409, 'a roster is committed once');
  const verified = await verifyHistories(app.db, app.registry);
  t.same(verified.mismatches, [], 'every imported case replays from its history to its stored state (npm run verify)');
});

t.test('XLSX, jurisdiction, all-or-nothing, and batch actions with their notices printed in roster order', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const town = await login(app, 'town-clerk');
  const upload = (headers: Record<string, string>, bytes: Buffer, name: string, period = '2026-H2') => {
    const body = multipart({ workflowId: 'conscript-family-allowance', period, mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name, bytes });
    return app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...headers, ...body.headers }, payload: body.payload });
  };

  // The town clerk of 东城镇 cannot import 山下村 (西山镇) or a person registered there.
  const townRows = conscriptRows({ rows: 4, villages: ['桥头村', '山下村'], seed: 3000, fixed: new Map([[3, ZHAO_LEI]]) });
  const townPreview = (await upload(town, await xlsxBytes(ROSTER_HEADERS, townRows), 'town.xlsx')).json();
  t.equal(townPreview.format, 'xlsx', 'an Excel workbook is read (exceljs)');
  t.same(townPreview.rows.map((r: Row) => r.status), ['valid', 'error', 'valid', 'error']);
  t.match(townPreview.rows[1].errors[0].message, /不在本辖区/, 'a village outside the jurisdiction');
  t.same(townPreview.rows[3].errors, townPreview.rows[1].errors,
    'a person registered outside it reads exactly as a new person named at that village: nothing says the number is known');

  // Five conscripts of 东城镇 (one a college student), from a workbook with real date cells.
  const rows = conscriptRows({ rows: 5, villages: ['桥头村', '河西社区'], seed: 5000, college: (i) => i === 2 });
  const res = await upload(district, await xlsxBytes(ROSTER_HEADERS, rows), 'list.xlsx');
  t.equal(res.statusCode, 201, res.body.slice(0, 300));
  const preview = res.json();
  t.equal(preview.counts.valid, 5);
  const commit = await app.inject({ method: 'POST', url: `/api/v1/rosters/${preview.id}/commit`, headers: district });
  t.equal(commit.statusCode, 201, 'a small roster is committed at once');
  t.match(commit.json(), { created: 5, newPersons: 5 });
  const created = (await app.inject({ url: `/api/v1/rosters/${preview.id}`, headers: district })).json().rows as Row[];

  // All or nothing: a failure in the middle of a commit leaves no case and no person behind.
  const failing = (await upload(district, csvBytes(ROSTER_HEADERS, conscriptRows({ rows: 3, seed: 7000 })), 'x.csv')).json();
  const personsBefore = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(app.db)).rows[0]!.n);
  await asOwnerOf(app, async (db) => {
    await sql`create function refuse_roster() returns trigger language plpgsql as $$ begin
      if new.roster_id = ${sql.lit(failing.id)} then raise exception 'disk full'; end if; return new; end $$`.execute(db);
    await sql`create trigger refuse_roster before insert on cases for each row execute function refuse_roster()`.execute(db);
  });
  const broken = await app.inject({ method: 'POST', url: `/api/v1/rosters/${failing.id}/commit`, headers: district });
  t.equal(broken.statusCode, 500, 'the database refuses half-way');
  await asOwnerOf(app, async (db) => { await sql`drop trigger refuse_roster on cases`.execute(db); });
  const personsAfter = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(app.db)).rows[0]!.n);
  t.equal(personsAfter, personsBefore, 'no person from the failed commit');
  t.equal((await app.inject({ url: `/api/v1/rosters/${failing.id}`, headers: district })).json().status, 'preview', 'the roster can be committed again');
  t.match((await app.inject({ method: 'POST', url: `/api/v1/rosters/${failing.id}/commit`, headers: district })).json(), { created: 3 });

  // Batch: confirm the list for the roster's cases (the district's step), each with its own event and notice.
  const batch = await app.inject({ method: 'POST', url: '/api/v1/batch-actions', headers: district, payload: { workflowId: 'conscript-family-allowance', state: 'listReceived', type: 'CONFIRM_LIST', rosterId: preview.id } });
  t.equal(batch.statusCode, 200, batch.body.slice(0, 300));
  const b = batch.json();
  t.equal(b.counts.cases, 5);
  t.equal(b.counts.succeeded, 5);
  t.same(b.results.map((r: { caseId: string }) => r.caseId), created.map((r) => r.caseId), 'in roster order');
  t.ok(b.results.every((r: { ok: boolean; version: number }) => r.ok && r.version === 2), 'each case moved one step');
  let codes: string[] = [];
  for (const r of created) {
    const notices = (await app.inject({ url: `/api/v1/cases/${r.caseId}/notices`, headers: district })).json().items;
    t.same(notices.map((n: { key: string }) => n.key), ['registrationNotice'], 'each case got its own notice');
    codes = [...codes, notices[0].code];
  }
  const onePage = readPdf((await app.inject({ url: `/api/v1/notices/${codes[0]}.pdf`, headers: district })).rawPayload).pages;
  const pdf = await app.inject({ url: `/api/v1/batch-actions/${b.id}/notices.pdf`, headers: district });
  t.equal(pdf.statusCode, 200);
  t.equal(pdf.headers['content-type'], 'application/pdf');
  const facts = readPdf(pdf.rawPayload);
  t.equal(facts.pages, 5 * onePage, 'every notice, laid out as on its own, in one PDF');
  t.equal(facts.text.match(/—\s*1\s*—/g)?.length, 5, 'each notice numbers its own pages');
  const names = rows.map((r) => r[1]!);
  const positions = names.map((n) => facts.text.indexOf(n));
  t.ok(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)), 'in roster order');
  t.equal(readPdf((await app.inject({ url: `/api/v1/rosters/${preview.id}/notices.pdf?duplex=1`, headers: district })).rawPayload).pages, 5 * (onePage + (onePage % 2)), 'the roster\'s notices, each starting on a front side for duplex printing');

  // The town station's step for the same cases: the college student lacks a material, the others go on.
  const submit = await app.inject({
    method: 'POST', url: '/api/v1/batch-actions', headers: town,
    payload: { workflowId: 'conscript-family-allowance', state: 'payeeRegistration', type: 'SUBMIT', rosterId: preview.id, data: { materials: ['registration-form', 'conscript-id', 'household-register', 'enlistment-notice', 'payee-bank-card'] } },
  });
  const s = submit.json();
  t.same(s.counts, { cases: 5, succeeded: 4, failed: 1 }, 'a batch reports each outcome; one failure does not stop the others');
  t.match(s.results[2], { ok: false, code: 'GUARD_FAILED' }, 'the college student needs the student proof');
  const failedCase = (await app.inject({ url: `/api/v1/cases/${s.results[2].caseId}`, headers: town })).json();
  t.equal(failedCase.state, 'payeeRegistration', 'and stays where it was');
  t.equal(failedCase.version, 2);

  // Return with a reason, for the one that failed: the correction notice.
  const ret = await app.inject({
    method: 'POST', url: '/api/v1/batch-actions', headers: town,
    payload: { workflowId: 'conscript-family-allowance', state: 'payeeRegistration', type: 'RETURN', caseIds: [s.results[2].caseId], data: { missing: ['student-proof'], note: '请补交保留入学资格审批表' } },
  });
  t.match(ret.json(), { counts: { succeeded: 1 } });
  t.equal(readPdf((await app.inject({ url: `/api/v1/batch-actions/${ret.json().id}/notices.pdf`, headers: town })).rawPayload).pages >= 1, true, 'its correction notice prints');

  // Outside the jurisdiction: nothing to see.
  const xishan = await login(app, 'xishan-clerk');
  t.equal((await app.inject({ url: `/api/v1/rosters/${preview.id}`, headers: xishan })).statusCode, 404);
  t.equal((await app.inject({ url: `/api/v1/batch-actions/${b.id}`, headers: xishan })).statusCode, 404);
});

t.test('a CSV saved by Excel on Chinese Windows (GB18030) and mapping mistakes', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'village-clerk');
  const rows = conscriptRows({ rows: 2, villages: ['桥头村'], seed: 9000 });
  const text = [ROSTER_HEADERS.filter((h) => h !== '村（社区）'), ...rows.map((r) => r.filter((_, i) => i !== 3))].map((r) => r.join(',')).join('\r\n');
  const { encodeGb18030 } = await import('./helpers/gb18030.ts');
  const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026-H2', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'gbk.csv', bytes: encodeGb18030(text) });
  const res = await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...body.headers }, payload: body.payload });
  t.equal(res.statusCode, 201, res.body.slice(0, 300));
  t.same(res.json().rows.map((r: Row) => [r.status, r.name]), rows.map((r) => ['valid', r[1]]), 'decoded; a village clerk\'s new persons are registered in her village');
  t.equal(res.json().rows[0].station, '桥头村退役军人服务站');

  const twoToOne = multipart({ workflowId: 'conscript-family-allowance', period: '2026-H2', mapping: JSON.stringify({ 银行账号: 'bankAccount', 开户银行: 'bankAccount' }) }, { name: 'a.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  const bad = await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...twoToOne.headers }, payload: twoToOne.payload });
  t.equal(bad.statusCode, 422);
  t.match(bad.json().errors[0].message, /对应同一字段/);
  const noId = multipart({ workflowId: 'conscript-family-allowance', period: '2026' }, { name: 'a.csv', bytes: Buffer.from('姓名,村（社区）\r\n张三,桥头村\r\n') });
  t.match((await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...noId.headers }, payload: noId.payload })).json().errors[0].message, /公民身份号码/);
  const badPeriod = multipart({ workflowId: 'conscript-family-allowance', period: 'next year' }, { name: 'a.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...badPeriod.headers }, payload: badPeriod.payload })).statusCode, 422);
  const supervisor = await login(app, 'supervisor');
  const bySupervisor = multipart({ workflowId: 'conscript-family-allowance', period: '2026' }, { name: 'a.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...supervisor, ...bySupervisor.headers }, payload: bySupervisor.payload })).statusCode, 403, 'clerks import');
});

t.test('a row that breaks a form\'s cross-field rule is an error in the preview, named as the step would name it', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const rows = conscriptRows({ rows: 2, seed: 9100, enlistmentDate: (i) => (i === 1 ? '2099-09-10' : '2026-09-10') });
  const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026-H2', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'r.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  const res = await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...body.headers }, payload: body.payload });
  t.equal(res.statusCode, 201, res.body.slice(0, 300));
  const [ok, future] = res.json().rows as Row[];
  t.equal(ok!.status, 'valid');
  t.equal(future!.status, 'error');
  t.match(future!.errors, [{ field: 'enlistmentDate', message: /^「批准入伍日期（优待金起算日）」不能晚于今天（\d{4}-\d{2}-\d{2}）$/ }]);
});
