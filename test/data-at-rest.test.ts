import t from 'tap';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import { openPayload } from '../src/crypto/sealed-payload.ts';
import { findCase, openSnapshot } from '../src/cases/case.repository.ts';
import { verifyHistories } from '../src/cli/verify-history.ts';
import { parseDataKey } from '../src/crypto/data-key.ts';
import { isSealedField } from '../src/crypto/sealed-data.ts';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { maskBankAccount, maskIdNumber, maskPhone } from '../src/http/mask.ts';
import { findAttachment } from '../src/attachments/attachment.repository.ts';
import { findDraft, saveDraft } from '../src/drafts/draft.service.ts';
import type { Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { findJob } from '../src/jobs/job.repository.ts';
import { findPerson, searchPersons } from '../src/persons/person.repository.ts';
import { listRosters } from '../src/rosters/roster.service.ts';
import type { User } from '../src/users/user.repository.ts';
import { build, DATA_KEY, freshDatabase, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { PageClient } from './helpers/pages.ts';
import { loadSamples, PathRunner } from './helpers/paths.ts';
import { migrationDatabase } from './helpers/migrations.ts';
import { runTool } from './helpers/processes.ts';
import { conscriptRows, csvBytes, multipart, ROSTER_DEFAULTS, ROSTER_HEADERS, ROSTER_MAPPING } from './helpers/rosters.ts';

// ID numbers and phones are stored encrypted (AES-256-GCM) with a keyed hash to search by; the key
// (DATA_KEY, or DATA_DIR/data-key) is never in the database. Inside case data, history, agents
// and drafts, every ID number, bank account and phone is sealed field by field (src/crypto/sealed-data.ts).

t.setTimeout(600_000);

t.test('the persons table holds no ID number or phone in clear; search and duplicates still work', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'village-clerk');
  const idNumber = makeIdNumber('330102', '1991-04-05', 333);
  const phone = '13712345678';
  const created = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '钱多', idNumber, phone } });
  t.equal(created.statusCode, 201);
  const id = created.json().id;

  const dump = (await sql<{ row: string }>`select row_to_json(p)::text as row from persons p`.execute(app.db)).rows.map((r) => r.row).join('\n');
  t.notOk(dump.includes(idNumber), 'the new ID number is nowhere in the table');
  t.notOk(dump.includes(phone), 'nor the phone');
  for (const demo of [makeIdNumber('330102', '2002-03-15', 131), '13800138000']) t.notOk(dump.includes(demo), 'nor the demo persons\' data');
  const row = await app.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  t.match(row.id_number_enc, /^v1:[A-Za-z0-9_-]{40,}$/, 'AES-GCM ciphertext, versioned');
  t.match(row.phone_enc, /^v1:/);
  t.match(row.id_number_hash, /^[A-Za-z0-9_-]{43}$/, 'HMAC-SHA256 blind index');
  const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'persons'`.execute(app.db)).rows.map((r) => r.column_name);
  t.notOk(columns.includes('id_number') || columns.includes('phone'), 'the plaintext columns are gone');

  const everything = (await sql<{ t: string }>`select string_agg(row_to_json(d)::text, '') as t from data_keys d`.execute(app.db)).rows[0]!.t;
  t.notOk(everything.includes(DATA_KEY) || everything.includes(parseDataKey(DATA_KEY).toString('base64')), 'only the key\'s id is stored, never the key');

  const found = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: clerk, payload: { idNumber } });
  t.equal(found.json().items[0]?.id, id, 'found by its full ID number through the keyed hash');
  const lower = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: clerk, payload: { idNumber: makeIdNumber('110101', '1990-01-01', 1) } });
  t.same(lower.json().items, [], 'an unknown number finds nobody');
  const dup = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '钱多多', idNumber } });
  t.equal(dup.json().code, 'PERSON_EXISTS', 'duplicates are still refused');
  const revealed = (await app.inject({ url: `/api/v1/persons/${id}?reveal=1`, headers: clerk })).json();
  t.equal(revealed.idNumber, idNumber, 'decrypted on reveal');
  t.equal(revealed.phone, phone);
});

t.test('a ciphertext moved to another row does not decrypt', async (t) => {
  const app = await build(t);
  await sql`update persons set id_number_enc = (select id_number_enc from persons where id = 'p-zhang-wei') where id = 'p-li-jun'`.execute(app.db);
  await t.rejects(findPerson(app.db, 'p-li-jun', 'xinhe'), /cannot decrypt persons\.id_number:p-li-jun/);
  const clerk = await login(app, 'district-clerk');
  const res = await app.inject({ url: '/api/v1/persons/p-li-jun', headers: clerk });
  t.equal(res.statusCode, 500, 'tampered data is an internal error');
  t.notMatch(res.body, /decrypt|DATA_KEY|at .*\.ts/, 'that says nothing of why');
});

t.test('the service refuses to start with a key other than the one the data was encrypted with', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dataDir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'vet-key-'));
  t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }));
  const env = databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir, DATA_KEY: undefined };
  const first = await runTool('migrate', env);
  t.equal(first.code, 0, first.stderr);
  if (!databaseUrl) t.match(await fs.readFile(path.join(dataDir, 'data-key'), 'utf8'), /^[A-Za-z0-9+/]{43}=$/, 'embedded: the key is generated beside the database');
  const other = await runTool('migrate', { ...env, DATA_KEY: 'ab'.repeat(32) });
  t.equal(other.code, 1);
  t.match(other.stderr, /DATA_KEY is not the key this database's personal data was encrypted with/);
  const malformed = await runTool('migrate', { ...env, DATA_KEY: 'too-short' });
  t.equal(malformed.code, 1);
  t.match(malformed.stderr, /invalid configuration.*DATA_KEY/s);
  t.notMatch(malformed.stderr, /too-short/, 'the bad key is not echoed');
  if (!databaseUrl) {
    const noKey = await runTool('migrate', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', DATA_KEY: undefined });
    t.match(noKey.stderr, /must have required property 'DATA_KEY'/, 'a shared database needs DATA_KEY');
  }
});

t.test('migration 0004 encrypts the persons already stored, and needs the key to do so', async (t) => {
  const { db, migrator: upTo3 } = await migrationDatabase(t);
  const r = await upTo3.migrateTo('20261124T0003_deadlines');
  t.error(r.error);
  const now = new Date();
  await db.insertInto('stations').values({ id: 'v', parent_id: null, level: 'district', path: 'v', name_zh: '区', name_en: 'D' }).execute();
  await db.insertInto('users').values({ id: 'u', username: 'u', display_name: 'U', role: 'clerk', station_id: 'v', password_hash: 'x', created_at: now }).execute();
  // More than one batch of the migration's 500.
  const people = Array.from({ length: 1000 }, (_, i) => ({
    id: `old-${String(i).padStart(4, '0')}`, name: `旧${i}`, id_number: makeIdNumber('330102', '1970-01-01', i),
    sex: 'male', birth_date: '1970-01-01', phone: i % 2 ? `139${String(i).padStart(8, '0')}` : null, station_id: 'v', station_path: 'v', attributes: '{}', created_by: 'u', created_at: now,
  }));
  for (let i = 0; i < people.length; i += 500) await db.insertInto('persons').values(people.slice(i, i + 500)).execute();

  await t.rejects(migrateToLatest(db), /migration 20261124T0004_hardening failed: 1000 persons must be encrypted and no data key was given/);
  const still = await db.selectFrom('persons').select(['id_number']).where('id', '=', 'old-0001').executeTakeFirst();
  t.equal(still?.id_number, people[1]!.id_number, 'a failed migration changes nothing');

  await migrateToLatest(db, { dataKey: parseDataKey(DATA_KEY) });
  const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'persons'`.execute(db)).rows.map((r) => r.column_name);
  t.notOk(columns.includes('id_number'), 'the plaintext column is dropped');
  const typed = db as unknown as Kysely<Database>;
  // The process key is the tests' DATA_KEY (set by testConfig through build()); set it here too.
  (await import('../src/crypto/data-key.ts')).useDataKey(parseDataKey(DATA_KEY));
  const p = await findPerson(typed, 'old-0999', 'v');
  t.equal(p?.idNumber, people[999]!.id_number, 'an old row decrypts with the key');
  t.equal(p?.phone, people[999]!.phone);
  t.equal((await findPerson(typed, 'old-0998', 'v'))?.phone, null, 'a missing phone stays missing');
  const byId = await searchPersons(typed, { idNumber: people[500]!.id_number }, 'v', 5);
  t.same(byId.map((x) => x.id), ['old-0500'], 'and is found through the keyed hash the migration wrote');
  const kids = await db.selectFrom('data_keys').select('kid').execute();
  t.equal(kids.length, 1, 'the key id is recorded');
});

/** Every row of every table of the database (but `except`) as text: what a dump or a stolen backup would show. */
async function wholeDatabase(db: Kysely<any>, except: string[] = []): Promise<string> {
  const tables = (await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db)).rows.map((r) => r.t).filter((t) => !except.includes(t));
  let out = '';
  for (const table of tables) out += (await sql<{ row: string }>`select row_to_json(x)::text as row from ${sql.table(table)} x`.execute(db)).rows.map((r) => r.row).join('\n');
  return out;
}

t.test('ID numbers, bank accounts and phones in case data, history, agents, rosters and payments are nowhere in clear; the API still shows them', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const town = await login(app, 'town-clerk');
  const supervisor = await login(app, 'supervisor');
  const policy = await login(app, 'policy');

  // A case through its steps: the ID number typed into the form, the person's pre-filled, child
  // cases started with them.
  const done = (await openCase(app, district, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, district, done.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  t.equal((await send(app, district, done.id, 'RECORD_ARCHIVE', archiveForm, 2)).json().state, 'completed');
  // A case opened by an agent (代办人), whose ID number is stored with the case.
  const agentId = makeIdNumber('330102', '1985-07-07', 515);
  const withAgent = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'discharge-reporting', personId: 'p-li-jun', agent: { name: '代办人甲', idNumber: agentId, powerOfAttorney: true } } });
  t.equal(withAgent.statusCode, 201, withAgent.body.slice(0, 300));

  // A roster of conscripts with their payees' ID numbers, phones and bank accounts, through to a payment batch.
  for (const s of [
    { key: 'conscript-family-allowance-annual', value: 1_362_300, unit: '分/年', effectiveFrom: '2026-01-01', note: '2026年度标准' },
    { key: 'tibet-xinjiang-multiplier', value: 2, unit: '倍', effectiveFrom: '2020-01-01', note: '西藏、新疆2倍' },
    { key: 'college-student-multiplier', value: 1.5, unit: '倍', effectiveFrom: '2020-01-01', note: '大学生150%' },
  ]) t.equal((await app.inject({ method: 'POST', url: '/api/v1/standards', headers: policy, payload: { ...s, policyDocument: { issuer: '新河区人民政府', number: '新政办〔2026〕3号', date: '2025-12-20' } } })).statusCode, 201);
  const rows = conscriptRows({ rows: 3, villages: ['桥头村'], seed: 31_000, enlistmentDate: '2025-09-10' });
  const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'list.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  const preview = (await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...district, ...body.headers }, payload: body.payload })).json();
  t.equal(preview.counts?.valid, 3, JSON.stringify(preview).slice(0, 400));
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/rosters/${preview.id}/commit`, headers: district })).statusCode, 201);
  const batch = async (headers: Record<string, string>, state: string, type: string, data?: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url: '/api/v1/batch-actions', headers, payload: { workflowId: 'conscript-family-allowance', state, type, rosterId: preview.id, data } })).json();
  t.match(await batch(district, 'listReceived', 'CONFIRM_LIST'), { counts: { succeeded: 3 } });
  // The batch copies the payee's fields out of each case into the step: they must come out decrypted to pass the form.
  t.match(await batch(town, 'payeeRegistration', 'SUBMIT', { materials: ['registration-form', 'conscript-id', 'household-register', 'enlistment-notice', 'payee-bank-card'] }), { counts: { succeeded: 3 } });
  // The batch's form data waits in the job's parameters: an opinion naming a number is sealed there too.
  const opinionId = makeIdNumber('330102', '1980-08-08', 919);
  t.match(await batch(supervisor, 'districtAssessment', 'APPROVE', {
    standardYear: 2026, annualStandardFen: 1_362_300, multiplierPercent: 100, annualAmountFen: 1_362_300, startDate: '2025-09-10', publicNoticeRequired: false, opinion: `经审核（核对${opinionId}），符合发放条件。`,
  }), { counts: { succeeded: 3 } });
  const built = await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: district, payload: { workflowId: 'conscript-family-allowance', period: '2026' } });
  t.equal(built.json().lines?.length, 3, built.body.slice(0, 300));
  const district2 = await login(app, 'district-clerk-2');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${built.json().id}/approve`, headers: district2 })).json().status, 'approved');
  const file = await app.inject({ url: `/api/v1/payment-batches/${built.json().id}/bank-file.csv`, headers: district });
  for (const r of rows) t.ok(file.body.includes(r[14]!), 'the bank file has each account whole, read from the sealed case data');

  // A draft a clerk saved half-way, with an ID number in it.
  const draftId = makeIdNumber('330102', '1979-09-09', 737);
  t.match(await saveDraft(app.db, { caseId: withAgent.json().id, userId: 'u-district-clerk', eventType: 'SUBMIT', data: { name: '李军', idNumber: draftId }, caseVersion: 1, now: new Date() }), { ok: true });
  t.equal((await findDraft(app.db, withAgent.json().id, 'u-district-clerk', 'SUBMIT'))?.data.idNumber, draftId, 'the draft reads back whole');

  const secrets = [
    ['the form\'s and the person\'s ID number', dischargeIntake.idNumber], ['the person\'s phone', '13800138000'], ['an agent\'s ID number', agentId], ['a draft\'s ID number', draftId],
    ...rows.flatMap((r) => [['a conscript\'s ID number', r[2]!], ['a payee\'s ID number', r[11]!], ['a payee\'s phone', r[12]!], ['a bank account', r[14]!]]),
  ];
  const dump = await wholeDatabase(app.db);
  t.ok(dump.includes(archiveForm.hukouLetterNo) && dump.includes(rows[0]![1]!), 'the dump reads the case data (what is not personal data stays readable)');
  for (const [what, value] of secrets) t.notOk(dump.includes(value!), `${what} is nowhere in the database in clear`);
  // Notices are documents as issued, kept unchanged: the payment notice prints the step's opinion as it was given.
  t.notOk((await wholeDatabase(app.db, ['notices'])).includes(opinionId), 'a number in an opinion given to a batch is sealed in the job\'s parameters, the cases and their history');
  const raw = await app.db.selectFrom('cases').select(['snapshot']).where('id', '=', done.id).executeTakeFirstOrThrow();
  t.match((raw.snapshot as any).context.data.idNumber, /^v1:[A-Za-z0-9_-]{40,}$/, 'sealed in place: still a JSON string, in its field');
  t.equal((raw.snapshot as any).context.data.dischargeDate, dischargeIntake.dischargeDate, 'the rest of the form data as it was');

  // Through the API: masked, whole on reveal, the history too.
  const masked = (await app.inject({ url: `/api/v1/cases/${done.id}`, headers: district })).json();
  t.equal(masked.data.idNumber, `${dischargeIntake.idNumber.slice(0, 6)}********${dischargeIntake.idNumber.slice(-4)}`, 'masked in the view');
  const revealed = (await app.inject({ url: `/api/v1/cases/${done.id}?reveal=1`, headers: district })).json();
  t.equal(revealed.data.idNumber, dischargeIntake.idNumber, 'whole on reveal');
  t.equal(revealed.history.find((h: { type: string }) => h.type === 'SUBMIT').payload.data.idNumber, dischargeIntake.idNumber, 'and in the history');
  t.equal(revealed.state, 'completed');
  const conscriptCase = (await app.inject({ url: `/api/v1/rosters/${preview.id}`, headers: district })).json().rows[0].caseId;
  const paid = (await app.inject({ url: `/api/v1/cases/${conscriptCase}?reveal=1`, headers: district })).json();
  t.equal(paid.data.bankAccount, rows[0]![14], 'the roster\'s bank account, whole on reveal');
  t.equal(paid.data.payeeIdNumber, rows[0]![11]);
  t.equal((await findCase(app.db, withAgent.json().id, 'xinhe'))?.agent?.idNumber, agentId, 'the agent reads back whole');

  const verified = await verifyHistories(app.db, app.registry);
  t.same(verified.mismatches, [], `npm run verify: every snapshot equals the replay of its history, opened (${verified.cases} cases)`);
  t.ok(verified.cases >= 6);
});

/** Whether a value is in the dump as text or, inside a bytea column (which row_to_json shows in hex), as bytes. */
function inClear(dump: string, value: string): boolean {
  return dump.includes(value) || dump.includes(Buffer.from(value, 'utf8').toString('hex'));
}

t.test('numbers typed into comments, urges, reasons, file names and scans are nowhere in clear; shown masked, whole on reveal, files served as uploaded', async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const supervisor = await login(app, 'supervisor');
  const village = await login(app, 'village-clerk');
  const n = (i: number) => makeIdNumber('330102', '1998-01-01', 800 + i);
  const secret = {
    comment: n(1), commentMobile: '13912340001', urgeMobile: '13912340002', copy: n(2), reassignCard: '6222020200112345678',
    withdrawCard: '6217000010001234567', recall: n(3), fileName: n(4), fileBytes: n(5), thumbBytes: n(6), draft: '13912340003', spaced: '139 1234 0004',
  };
  const c1 = (await openCase(app, district, 'discharge-reporting', 'p-zhang-wei')).json();
  const comment = `请核对：身份证${secret.comment}，手机${secret.commentMobile}`;
  t.equal((await send(app, district, c1.id, 'COMMENT', { text: comment }, 1)).statusCode, 200);
  t.equal((await send(app, supervisor, c1.id, 'URGE', { text: `请尽快办理，家属电话${secret.urgeMobile}` }, 2)).statusCode, 200);

  // Two scans through the clerk's page: a PDF whose name says whose ID card it is, a photo with its thumbnail.
  const page = new PageClient(app);
  await page.login('district-clerk');
  await page.get(`/cases/${c1.id}`);
  const fileName = `王浩然_${secret.fileName}_银行卡.pdf`;
  // Whole files (the upload check wants a PDF's cross-reference trailer and a JPEG's end marker).
  const pdfBody = Buffer.from(`%PDF-1.4\n% 身份证 ${secret.fileBytes}\n`);
  const pdf = Buffer.concat([pdfBody, Buffer.from(`xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n${pdfBody.length}\n%%EOF\n`)]);
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(secret.fileBytes), Buffer.from([0xff, 0xd9]),
  ]);
  const thumb = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(secret.thumbBytes)]);
  const uploaded = await page.postMultipart(`/cases/${c1.id}/attachments`, { '_thumb.file._other': ['', `data:image/jpeg;base64,${thumb.toString('base64')}`] }, [
    { field: 'file._other', filename: fileName, type: 'application/pdf', bytes: pdf },
    { field: 'file._other', filename: 'photo.jpg', type: 'image/jpeg', bytes: jpeg },
  ]);
  t.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 300));
  t.equal((await send(app, district, c1.id, 'COPY_TO', { userId: 'u-district-clerk-2', note: `抄送，申请人${secret.copy}` }, 4)).statusCode, 200);
  t.equal((await send(app, district, c1.id, 'REASSIGN', { userId: 'u-district-clerk-2', reason: `卡号${secret.reassignCard}的申请人要求改由他人办理` }, 5)).statusCode, 200);

  // A reason in a step's form, and one given to take a step back.
  const c2 = (await openCase(app, district, 'discharge-reporting', 'p-li-jun')).json();
  t.equal((await send(app, district, c2.id, 'WITHDRAW', { reason: `本人申请撤回，银行卡${secret.withdrawCard}作废` }, 1)).json().state, 'withdrawn');
  const plaque = loadSamples('glory-plaque');
  const form = plaque.forms.householdCheck!;
  const personId = await new PathRunner(app).newPerson(plaque);
  const c3 = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'glory-plaque', personId } })).json();
  t.equal((await send(app, village, c3.id, 'SUBMIT', (Array.isArray(form) ? form[0] : form) as Record<string, unknown>, 1)).statusCode, 200);
  t.equal((await send(app, village, c3.id, 'RECALL', { reason: `身份证号${secret.recall}填错` }, 2)).statusCode, 200);
  // A draft: a number in a field not named as free text is found by what it holds, in full-width or spaced digits too.
  const fullWidth = secret.draft.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  t.match(await saveDraft(app.db, { caseId: c1.id, userId: 'u-district-clerk', eventType: 'RECORD_ARCHIVE', data: { hukouLetterNo: `户〔${fullWidth}〕`, sealsIntact: true, other: `电话 ${secret.spaced}` }, caseVersion: 6, now: new Date() }), { ok: true });

  const dump = await wholeDatabase(app.db);
  t.ok(dump.includes('"type":"URGE"') && dump.includes('"userId": "u-district-clerk-2"'), 'the dump reads the history (identifiers stay readable for the queries that follow them)');
  for (const [what, value] of Object.entries({ ...secret, fullWidth, fileNameWhole: fileName })) t.notOk(inClear(dump, value), `${what} is nowhere in the database in clear, bytea included`);
  const stored = await app.db.selectFrom('case_events').select(['seq', 'payload']).where('case_id', '=', c1.id).orderBy('seq').execute();
  t.match((stored[1]!.payload as { text: string }).text, /^v1:/, 'a comment is sealed whole, in its field');

  // Through the API and the pages: masked, whole on reveal.
  const masked = (await app.inject({ url: `/api/v1/cases/${c1.id}`, headers: district })).json();
  const entry = (type: string, view: { history: { type: string; payload: Record<string, any> }[] }) =>
    view.history.find((h) => h.type === type)!.payload;
  t.equal(entry('COMMENT', masked).text, `请核对：身份证${maskIdNumber(secret.comment)}，手机${maskPhone(secret.commentMobile)}`, 'a comment, masked in the view');
  t.equal(entry('ATTACH', masked).files[0].filename, `王浩然_${maskIdNumber(secret.fileName)}_银行卡.pdf`, 'a file name, masked');
  t.equal(entry('REASSIGN', masked).reason, `卡号${maskBankAccount(secret.reassignCard)}的申请人要求改由他人办理`);
  const revealed = (await app.inject({ url: `/api/v1/cases/${c1.id}?reveal=1`, headers: district })).json();
  t.equal(entry('COMMENT', revealed).text, comment, 'whole on reveal');
  t.equal(entry('ATTACH', revealed).files[0].filename, fileName);
  t.equal(entry('COPY_TO', revealed).note, `抄送，申请人${secret.copy}`);
  const withdrawn = (await app.inject({ url: `/api/v1/cases/${c2.id}?reveal=1`, headers: district })).json();
  t.equal(withdrawn.data.reason, `本人申请撤回，银行卡${secret.withdrawCard}作废`, 'a form\'s reason, whole on reveal');
  const recalled = (await app.inject({ url: `/api/v1/cases/${c3.id}`, headers: village })).json();
  t.equal(entry('RECALL', recalled).reason, `身份证号${maskIdNumber(secret.recall)}填错`, 'a recall\'s reason, masked');
  t.equal((await findDraft(app.db, c1.id, 'u-district-clerk', 'RECORD_ARCHIVE'))?.data.other, `电话 ${secret.spaced}`, 'the draft reads back whole');
  const holder = await login(app, 'district-clerk-2');
  const urges = (await app.inject({ url: '/api/v1/me/urges', headers: holder })).json();
  t.equal(urges.items[0]?.text, `请尽快办理，家属电话${maskPhone(secret.urgeMobile)}`, 'the holder\'s urges, opened and masked');
  const casePage = (await page.get(`/cases/${c1.id}`)).body;
  t.ok(casePage.includes(maskIdNumber(secret.fileName)) && !casePage.includes(secret.fileName), 'the case page lists the file under its masked name');
  t.notOk(casePage.includes(secret.comment), 'and shows the comment masked');

  // The files come back as uploaded; a sealed file moved to another row does not open.
  const files = entry('ATTACH', revealed).files as { attachmentId: string }[];
  const served = await page.get(`/attachments/${files[0]!.attachmentId}`);
  t.same(served.rawPayload, pdf, 'the PDF, byte for byte');
  t.match(String(served.headers['content-disposition']), encodeURIComponent(fileName), 'under its own name');
  t.same((await page.get(`/attachments/${files[1]!.attachmentId}/thumb`)).rawPayload, thumb, 'and the thumbnail');
  await sql`update attachments set bytes = (select bytes from attachments where id = ${files[0]!.attachmentId}) where id = ${files[1]!.attachmentId}`.execute(app.db);
  await t.rejects(findAttachment(app.db, files[1]!.attachmentId, 'xinhe'), new RegExp(`cannot decrypt attachments\\.bytes:${files[1]!.attachmentId}`), 'a scan moved to another row');
  const moved = await page.get(`/attachments/${files[1]!.attachmentId}`);
  t.equal(moved.statusCode, 500, 'is an internal error');
  t.notMatch(moved.body, /decrypt|DATA_KEY|v1:/);
  t.throws(() => openPayload(c1.id, 3, stored[1]!.payload), /cannot decrypt case_events\.payload:.*:3:\/text/, 'a comment moved to another entry does not open');
  t.throws(() => openPayload(c1.id, 2, { text: '在此处的明文' }), /not an encrypted value/, 'free text in clear where a sealed one belongs is refused');
  t.throws(() => openPayload(c1.id, 2, { data: { hukouLetterNo: secret.comment } }), /not an encrypted value/, 'so is a number in clear in any other field');

  const verified = await verifyHistories(app.db, app.registry);
  t.same(verified.mismatches, [], `npm run verify opens them before comparing (${verified.cases} cases)`);
});

t.test('a sealed value moved to another case, field or history entry does not decrypt, and verify says so', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const a = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, a.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  const b = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  const rawA = (await app.db.selectFrom('cases').select('snapshot').where('id', '=', a.id).executeTakeFirstOrThrow()).snapshot as any;

  t.throws(
    () => openSnapshot(a.id, {
      ...rawA, context: { ...rawA.context, data: { ...rawA.context.data, mobile: rawA.context.data.idNumber } },
    }),
    /cannot decrypt cases\.snapshot:.*:\/context\/data\/mobile/, 'to another field of the same case',
  );
  const events = await app.db.selectFrom('case_events').select(['seq', 'payload']).where('case_id', '=', a.id).orderBy('seq').execute();
  t.same(openPayload(a.id, 2, events[1]!.payload).data, dischargeIntake, 'the history entry opens where it was written');
  t.throws(() => openPayload(a.id, 3, events[1]!.payload), /cannot decrypt case_events\.payload/, 'but not as another entry');
  t.throws(
    () => openSnapshot(a.id, {
      ...rawA, context: { ...rawA.context, data: { ...rawA.context.data, idNumber: dischargeIntake.idNumber } },
    }),
    /not an encrypted value/, 'a value in clear where a sealed one belongs is refused too',
  );

  await sql`update cases set snapshot = jsonb_set(snapshot, '{context,data,idNumber}', ${JSON.stringify(rawA.context.data.idNumber)}::jsonb) where id = ${b.id}`.execute(app.db);
  // Whichever sealed field it meets first (the prefilled phone or the ID number: PostgreSQL orders jsonb keys).
  t.throws(() => openSnapshot(b.id, (rawA as unknown)), new RegExp(`cannot decrypt cases\\.snapshot:${b.id}:/context/data/(idNumber|mobile)`), 'to another case');
  const res = await app.inject({ url: `/api/v1/cases/${b.id}`, headers: clerk });
  t.equal(res.statusCode, 500, 'tampered data is an internal error');
  t.notMatch(res.body, /decrypt|DATA_KEY|v1:/, 'that says nothing of why');
  t.equal((await app.inject({ url: `/api/v1/cases/${a.id}`, headers: clerk })).statusCode, 200, 'the case it came from is untouched');
  const verified = await verifyHistories(app.db, app.registry);
  t.match(verified.mismatches, [{ caseId: b.id, problem: /personal data does not decrypt: .*cases\.snapshot/ }], 'verify lists the case whose data does not open');
});

t.test('every ID-number, bank-card and mobile field of the definitions is one the sealing recognises by name', async (t) => {
  const missed: string[] = [];
  let fields = 0;
  const walk = (node: unknown, where: string) => {
    if (!node || typeof node !== 'object') return;
    const props = (node as { properties?: Record<string, { format?: string; 'x-sensitive'?: boolean }> }).properties;
    for (const [name, prop] of Object.entries(props ?? {})) {
      if (['cn-id-number', 'bank-card', 'cn-mobile'].includes(prop.format ?? '') || prop['x-sensitive']) {
        fields++;
        if (!isSealedField(name)) missed.push(`${where}: ${name}`);
      }
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`);
  };
  const { files } = readWorkflowFiles();
  for (const f of files) walk(f.definition, f.file);
  t.ok(fields > 50, `${fields} fields checked in ${files.length} definitions`);
  t.same(missed, [], 'named …IdNumber, …BankAccount, …BankCard, …Mobile or …Phone (or exactly idNumber, mobile…)');
  for (const name of ['dischargeDate', 'name', 'bankName', 'accountHolder', 'cardNumber', 'documentNumber', 'idNumberType']) t.notOk(isSealedField(name), `${name} is left as it is`);
});

t.test('migration 0010 seals the case data already stored, history included, and needs the key to do so', async (t) => {
  const { db, migrator: before } = await migrationDatabase(t);
  t.error((await before.migrateTo('20261124T0007_rosters')).error);
  const now = new Date();
  await db.insertInto('stations').values({ id: 'v', parent_id: null, level: 'district', path: 'v', name_zh: '区', name_en: 'D' }).execute();
  await db.insertInto('users').values({ id: 'u', username: 'u', display_name: 'U', role: 'clerk', station_id: 'v', password_hash: 'x', created_at: now }).execute();
  await db.insertInto('persons').values({ id: 'p', name: '旧', id_number_enc: 'v1:x', id_number_hash: 'h', sex: 'male', birth_date: '1970-01-01', station_id: 'v', station_path: 'v', attributes: '{}', created_by: 'u', created_at: now }).execute();
  await db.insertInto('workflow_versions').values({ workflow_id: 'w', version: 1, status: 'published', definition: '{}', note: '', author: 'u', created_at: now }).execute();
  // More than one batch of the migration's 500; data in arrays and with keys that need escaping in a JSON Pointer.
  const data = (i: number) => ({
    name: `旧${i}`, idNumber: makeIdNumber('330102', '1970-01-01', i % 999), mobile: `139${String(i).padStart(8, '0')}`, bankAccount: `6228480${String(i).padStart(12, '0')}`,
    members: [{ name: '甲', idNumber: makeIdNumber('330102', '1990-02-02', i % 999) }], 'a/b~c': { phone: '13600000000' }, note: '13600000000', dischargeDate: '2020-01-01',
  });
  const cases = Array.from({ length: 600 }, (_, i) => ({
    id: `c-${String(i).padStart(4, '0')}`, workflow_id: 'w', workflow_version: 1, person_id: 'p', station_id: 'v', station_path: 'v', state: 's', status: 'open', exclusive: false, version: 2,
    snapshot: JSON.stringify({ workflowId: 'w', workflowVersion: 1, value: 's', status: 'active', context: { data: data(i), materials: [], outcome: null } }),
    agent: i % 2 ? JSON.stringify({ name: '代', idNumber: makeIdNumber('330102', '1980-03-03', i % 999), powerOfAttorney: true }) : null, created_at: now, updated_at: now,
  }));
  for (let i = 0; i < cases.length; i += 300) await db.insertInto('cases').values(cases.slice(i, i + 300)).execute();
  const history = cases.flatMap((c, i) => [
    { case_id: c.id, seq: 1, kind: 'machine', type: 'START', payload: JSON.stringify({ data: data(i), parentCaseId: null }), actor_id: 'u', from_state: null, to_state: 's', at: now },
    { case_id: c.id, seq: 2, kind: 'admin', type: 'COMMENT', payload: JSON.stringify({ text: '无个人信息' }), actor_id: 'u', from_state: 's', to_state: 's', at: now },
  ]);
  for (let i = 0; i < history.length; i += 300) await db.insertInto('case_events').values(history.slice(i, i + 300)).execute();
  await db.insertInto('page_drafts').values({ case_id: 'c-0001', user_id: 'u', event_type: 'SUBMIT', data: JSON.stringify({ idNumber: data(1).idNumber }), case_version: 2, version: 1, updated_at: now }).execute();

  await t.rejects(migrateToLatest(db), /migration 20261124T0010_sealed_case_data failed: \d+ ID numbers, bank accounts and phones in case data must be encrypted and no data key was given/);
  t.equal((await db.selectFrom('cases').select('snapshot').where('id', '=', 'c-0001').executeTakeFirstOrThrow()).snapshot.context.data.idNumber, data(1).idNumber, 'a failed migration changes nothing');

  await migrateToLatest(db, { dataKey: parseDataKey(DATA_KEY) });
  const dump = await wholeDatabase(db);
  for (const i of [0, 1, 499, 500, 599]) {
    for (const v of [data(i).idNumber, data(i).mobile, data(i).bankAccount, data(i).members[0]!.idNumber]) t.notOk(dump.includes(`"${v}"`), `case ${i}: ${v.slice(0, 4)}… no longer in clear`);
  }
  t.match(dump, /"dischargeDate": ?"2020-01-01"/, 'a field that is not personal data stays as it was');
  t.notOk(dump.includes('13600000000'), 'a note holding a phone is sealed too (migration 0015)');
  (await import('../src/crypto/data-key.ts')).useDataKey(parseDataKey(DATA_KEY));
  const typed = db as unknown as Kysely<Database>;
  for (const i of [1, 599]) {
    const c = (await findCase(typed, `c-${String(i).padStart(4, '0')}`, 'v'))!;
    t.same(c.snapshot.context.data, data(i), `case ${i}: the snapshot opens to what it was`);
    t.same(c.agent, JSON.parse(cases[i]!.agent!), 'and the agent');
    const start = await db.selectFrom('case_events').select('payload').where('case_id', '=', c.id).where('seq', '=', 1).executeTakeFirstOrThrow();
    t.same(openPayload(c.id, 1, start.payload), { data: data(i), parentCaseId: null }, 'and the history');
  }
  t.equal((await findDraft(typed, 'c-0001', 'u', 'SUBMIT'))?.data.idNumber, data(1).idNumber, 'and a draft');
  const rewrite = await sql`update case_events set payload = '{}'::jsonb where case_id = 'c-0001'`.execute(db).then(() => 'updated', (e: Error) => e.message);
  t.match(rewrite, /case_events is append-only/, 'the history is append-only again afterwards');
});

t.test('migration 0015 seals the free text, file names and files already stored, and needs the key to do so', async (t) => {
  const { db, migrator: before } = await migrationDatabase(t);
  t.error((await before.migrateTo('20261124T0011_prior_timing')).error);
  const { encryptField, useDataKey } = await import('../src/crypto/data-key.ts');
  const keys = useDataKey(parseDataKey(DATA_KEY));
  const now = new Date();
  await db.insertInto('stations').values({ id: 'v', parent_id: null, level: 'district', path: 'v', name_zh: '区', name_en: 'D' }).execute();
  await db.insertInto('users').values({ id: 'u', username: 'u', display_name: 'U', role: 'clerk', station_id: 'v', password_hash: 'x', created_at: now }).execute();
  await db.insertInto('persons').values({ id: 'p', name: '旧', id_number_enc: 'v1:x', id_number_hash: 'h', sex: 'male', birth_date: '1970-01-01', station_id: 'v', station_path: 'v', attributes: '{}', created_by: 'u', created_at: now }).execute();
  await db.insertInto('workflow_versions').values({ workflow_id: 'w', version: 1, status: 'published', definition: '{}', note: '', author: 'u', created_at: now }).execute();
  const n = (i: number) => makeIdNumber('330102', '1975-05-05', 700 + i);
  // As migration 0010 left them: ID numbers sealed by name, everything else in clear.
  const data = { idNumber: n(0), reason: `原因${n(1)}`, situation: `电话 139 0000 1111`, dischargeDate: '2020-01-01', members: [{ name: '甲', villageOpinion: '同意' }], tags: ['普通', `卡6222020200112340000`] };
  const stored = (scope: string) => ({ ...data, idNumber: encryptField(keys, data.idNumber, `${scope}/idNumber`) });
  await db.insertInto('cases').values({
    id: 'c', workflow_id: 'w', workflow_version: 1, person_id: 'p', station_id: 'v', station_path: 'v', state: 's', status: 'open', exclusive: false, version: 520,
    snapshot: JSON.stringify({ workflowId: 'w', workflowVersion: 1, value: 's', status: 'active', context: { data: stored('cases.snapshot:c:/context/data'), materials: [], outcome: null } }),
    agent: null, created_at: now, updated_at: now,
  }).execute();
  const pdf = Buffer.from(`%PDF-1.4\n% ${n(2)}\n%%EOF\n`);
  const thumb = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(n(3))]);
  const fileName = `王浩然_${n(4)}_银行卡.pdf`;
  // More than one batch of the migration's 500.
  const comments = Array.from({ length: 515 }, (_, i) => ({ case_id: 'c', seq: i + 5, kind: 'admin', type: 'COMMENT', payload: JSON.stringify({ text: `第${i}条 ${n(10 + i)}` }), actor_id: 'u', from_state: 's', to_state: 's', at: now }));
  await db.insertInto('case_events').values([
    { case_id: 'c', seq: 1, kind: 'machine', type: 'START', payload: JSON.stringify({ data: stored('case_events.payload:c:1:/data'), parentCaseId: null }), actor_id: 'u', from_state: null, to_state: 's', at: now },
    { case_id: 'c', seq: 2, kind: 'admin', type: 'COPY_TO', payload: JSON.stringify({ userId: 'u', note: `抄送${n(5)}` }), actor_id: 'u', from_state: 's', to_state: 's', at: now },
    { case_id: 'c', seq: 3, kind: 'admin', type: 'ATTACH', payload: JSON.stringify({ files: [{ attachmentId: 'a', materialId: null, filename: fileName, mime: 'application/pdf', size: pdf.length, sha256: 'x' }] }), actor_id: 'u', from_state: 's', to_state: 's', at: now },
    { case_id: 'c', seq: 4, kind: 'machine', type: 'RECALL', payload: JSON.stringify({ recalledSeq: 2, recalledType: 'SUBMIT', reason: `填错${n(6)}` }), actor_id: 'u', from_state: 's', to_state: 's', at: now },
    ...comments.slice(0, 300),
  ]).execute();
  await db.insertInto('case_events').values(comments.slice(300)).execute();
  await db.insertInto('attachments').values({ id: 'a', case_id: 'c', event_seq: 3, material_id: null, filename: fileName, mime: 'application/pdf', size: pdf.length, sha256: 'x', bytes: pdf, thumbnail: thumb, uploaded_by: 'u', at: now }).execute();
  await db.insertInto('jobs').values({ id: 'j', kind: 'batch-action', status: 'succeeded', params: JSON.stringify({ batchId: 'b', userId: 'u', data: { payeeIdNumber: n(7), opinion: '同意' } }), progress: '{}', created_by: 'u', created_at: now }).execute();
  await db.insertInto('rosters').values({
    id: 'r', workflow_id: 'w', period: '2026', file_name: `名单_${n(8)}.csv`, file_sha256: 'x', format: 'csv', mapping: '{}', defaults: '{}', headers: '[]', status: 'preview',
    row_count: 0, valid_count: 0, duplicate_count: 0, error_count: 0, station_id: 'v', station_path: 'v', uploaded_by: 'u', created_at: now,
  }).execute();
  await db.insertInto('page_drafts').values({ case_id: 'c', user_id: 'u', event_type: 'SUBMIT', data: JSON.stringify({ note: `草稿${n(9)}` }), case_version: 520, version: 1, updated_at: now }).execute();
  const secrets = [n(1), '139 0000 1111', '6222020200112340000', n(2), n(3), n(4), n(5), n(6), n(7), n(8), n(9), n(10), n(524)];

  await t.rejects(migrateToLatest(db), /migration 20261202T0015_sealed_free_text failed: \d+ free texts, file names and files must be encrypted and no data key was given/);
  t.ok(inClear(await wholeDatabase(db), n(2)), 'a failed migration changes nothing');

  await migrateToLatest(db, { dataKey: parseDataKey(DATA_KEY) });
  const dump = await wholeDatabase(db);
  for (const v of secrets) t.notOk(inClear(dump, v), `${v.slice(0, 4)}… no longer in clear`);
  t.match(dump, /"dischargeDate": ?"2020-01-01"/, 'what holds no personal data stays as it was');
  t.match(dump, /"userId": ?"u"/, 'identifiers too');
  const typed = db as unknown as Kysely<Database>;
  t.same((await findCase(typed, 'c', 'v'))!.snapshot.context.data, data, 'the snapshot opens to what it was (0010\'s values kept)');
  const history = await db.selectFrom('case_events').select(['seq', 'payload']).where('case_id', '=', 'c').orderBy('seq').execute();
  t.same(openPayload('c', 1, history[0]!.payload), { data, parentCaseId: null }, 'and the history');
  t.same(openPayload('c', 3, history[2]!.payload).files, [{ attachmentId: 'a', materialId: null, filename: fileName, mime: 'application/pdf', size: pdf.length, sha256: 'x' }]);
  t.equal(openPayload('c', 519, history[518]!.payload).text, `第514条 ${n(524)}`, 'past the first batch');
  t.match(await findAttachment(typed, 'a', 'v'), { filename: fileName, bytes: pdf, thumbnail: thumb }, 'the attachment');
  t.same((await findJob(typed, 'j'))?.params, { batchId: 'b', userId: 'u', data: { payeeIdNumber: n(7), opinion: '同意' } }, 'the job');
  t.equal((await listRosters(typed, { stationPath: 'v' } as User))[0]?.fileName, `名单_${maskIdNumber(n(8))}.csv`, 'the roster\'s file name (shown masked)');
  t.equal((await findDraft(typed, 'c', 'u', 'SUBMIT'))?.data.note, `草稿${n(9)}`, 'and the draft');
  const rewrite = await sql`update case_events set payload = '{}'::jsonb where case_id = 'c'`.execute(db).then(() => 'updated', (e: Error) => e.message);
  t.match(rewrite, /case_events is append-only/, 'the history is append-only again afterwards');

  const migration = await import('../migrations/20261202T0015_sealed_free_text.ts');
  await migration.down(db, { dataKey: parseDataKey(DATA_KEY) });
  const back = await db.selectFrom('attachments').select(['filename', 'bytes', 'thumbnail']).where('id', '=', 'a').executeTakeFirstOrThrow();
  t.same(back, { filename: fileName, bytes: pdf, thumbnail: thumb }, 'down: the attachment in clear again');
  const comment = await db.selectFrom('case_events').select('payload').where('case_id', '=', 'c').where('seq', '=', 5).executeTakeFirstOrThrow();
  t.same(comment.payload, { text: `第0条 ${n(10)}` }, 'and the history as 0010 left it');
});
