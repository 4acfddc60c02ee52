import t from 'tap';
import { readFileSync } from 'node:fs';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { publishByTwo } from './helpers/publish.ts';

const file = JSON.parse(readFileSync(new URL('../workflows/discharge-reporting.json', import.meta.url), 'utf8'));
const { $schema: _, ...v1 } = file;

/** Version 1 with a longer window deadline (a harmless change). */
function longer(days: number) {
  const d = structuredClone(v1);
  d.machine.states.reception.meta.sla = { workingDays: days };
  return d;
}

const ID = 'discharge-reporting';
const base = (v: number) => `/api/v1/workflows/${ID}/versions/${v}`;

t.test('four eyes: one policy user requests, a different one approves; withdraw, stale, discard, roles', async (t) => {
  const app = await build(t);
  const sun = await login(app, 'policy');
  const qian = await login(app, 'policy-2');
  const clerk = await login(app, 'district-clerk');
  const draft = async (d: unknown, note: string) => {
    const r = await app.inject({ method: 'POST', url: `/api/v1/workflows/${ID}/versions`, headers: sun, payload: { definition: d, note } });
    t.equal(r.statusCode, 201, r.body.slice(0, 200));
    return r.json().version as number;
  };
  const request = (v: number, h: Record<string, string>, payload: Record<string, unknown> = {}) => app.inject({ method: 'POST', url: `${base(v)}/publication-request`, headers: h, payload });
  const approve = (v: number, h: Record<string, string>, draftSha256: string) => app.inject({ method: 'POST', url: `${base(v)}/publish`, headers: h, payload: { draftSha256 } });
  const withdraw = (v: number, h: Record<string, string>) => app.inject({ method: 'POST', url: `${base(v)}/publication-request/withdraw`, headers: h });
  const discard = (v: number, h: Record<string, string>) => app.inject({ method: 'POST', url: `${base(v)}/discard`, headers: h });
  const version = async (v: number) => (await app.inject({ url: base(v), headers: sun })).json();

  const v2 = await draft(longer(2), '报到时限延长至2个工作日');
  const sha = (await version(v2)).draftSha256 as string;
  t.match(sha, /^[0-9a-f]{64}$/, 'a draft carries the sha256 of its stored text');

  t.equal((await request(v2, clerk)).statusCode, 403, 'a clerk cannot request publication');
  t.equal((await approve(v2, clerk, sha)).statusCode, 403, 'nor approve it');
  t.equal((await discard(v2, clerk)).statusCode, 403, 'nor discard a draft');
  t.equal((await approve(v2, qian, sha)).json().code, 'PUBLICATION_NOT_REQUESTED', 'publishing needs a request first');

  const asked = await request(v2, sun, { effectiveFrom: '2026-01-01' });
  t.equal(asked.statusCode, 201, asked.body.slice(0, 300));
  t.match(asked.json(), { status: 'pending', draftSha256: sha, baseVersion: 1, requestedByName: /孙磊/, impact: { summary: { open: 0 } } });
  t.equal((await request(v2, qian)).statusCode, 409, 'one pending request per draft');
  t.equal((await withdraw(v2, clerk)).statusCode, 403, 'a clerk cannot withdraw it');

  const own = await approve(v2, sun, sha);
  t.equal(own.statusCode, 403, 'the requester cannot approve their own request');
  t.match(own.json(), { code: 'FOUR_EYES', message: '发布申请须由另一名政策人员审批，不能审批自己的申请' });
  const ownEn = await approve(v2, { ...sun, 'accept-language': 'en' }, sha);
  t.match(ownEn.json().message, 'you cannot approve your own request', 'in English on request');
  t.equal((await approve(v2, qian, 'f'.repeat(64))).json().code, 'PUBLICATION_STALE', 'nor can anyone approve what they did not see');
  t.equal((await version(v2)).publication.status, 'pending', 'which leaves the request standing');

  t.match((await withdraw(v2, sun)).json(), { status: 'withdrawn', closedByName: /孙磊/ }, 'the requester withdraws it');
  t.equal((await approve(v2, qian, sha)).json().code, 'PUBLICATION_NOT_REQUESTED', 'a withdrawn request cannot be approved');

  // Stale 1: the draft's stored text changes after the request (as an in-place editor would change it).
  t.equal((await request(v2, sun)).statusCode, 201);
  const edited = longer(3);
  await app.db.updateTable('workflow_versions').set({ definition: JSON.stringify({ ...edited, version: v2 }) }).where('workflow_id', '=', ID).where('version', '=', v2).execute();
  const seenNow = (await version(v2)).draftSha256;
  t.not(seenNow, sha, 'the changed draft has another sha256');
  const stale = await approve(v2, qian, seenNow);
  t.equal(stale.statusCode, 409, 'a request whose draft changed since is refused');
  t.match(stale.json(), { code: 'PUBLICATION_STALE', message: /申请已失效/ });
  t.equal((await version(v2)).publication, null, 'and closed as stale');
  t.equal((await version(v2)).status, 'draft', 'nothing published');

  // Stale 2: another version comes into force between the request and the approval.
  t.equal((await request(v2, sun)).statusCode, 201, 'the requester asks again');
  const v3 = await draft(longer(4), '报到时限延长至4个工作日');
  t.equal((await publishByTwo(app, ID, v3, { requester: qian, approver: sun })).statusCode, 200, 'either may request and the other approve');
  t.equal((await approve(v2, qian, seenNow)).json().code, 'PUBLICATION_STALE', 'the diff the request was made on is no longer against the version in force');

  // Approved: both names and times kept, in the list and in the version's history.
  const listed = (await app.inject({ url: `/api/v1/workflows/${ID}/versions`, headers: clerk })).json().versions;
  const p3 = listed.find((x: { version: number }) => x.version === v3);
  t.match(p3, { status: 'published', publication: { status: 'approved', requestedByName: /钱芳/, closedByName: /孙磊/, requestedAt: String, closedAt: String } });
  t.same((await version(v3)).history.map((h: { act: string; byName: string }) => [h.act, h.byName]), [['created', '区局 孙磊（政策）'], ['requested', '区局 钱芳（政策）'], ['approved', '区局 孙磊（政策）']]);
  t.same((await version(v2)).history.map((h: { act: string }) => h.act), ['created', 'requested', 'withdrawn', 'requested', 'stale', 'requested', 'stale'], 'every request and its end');

  // Discarding: a draft, with its confirmation on the page; a published version never.
  t.equal((await request(v2, sun)).statusCode, 201);
  const gone = await discard(v2, qian);
  t.equal(gone.statusCode, 200, gone.body.slice(0, 200));
  t.match(await version(v2), { status: 'discarded', publication: null });
  t.equal((await version(v2)).history.at(-1).act, 'discarded');
  t.equal((await version(v2)).history.at(-2).act, 'withdrawn', 'its pending request withdrawn with it');
  t.equal((await request(v2, sun)).statusCode, 409, 'a discarded draft cannot be requested');
  t.equal((await discard(v2, sun)).statusCode, 409, 'nor discarded twice');
  const never = await discard(v3, sun);
  t.equal(never.statusCode, 409, 'a published version is never discarded');
  t.match(never.json().message, '已发布的版本不能废弃');
  t.equal((await discard(1, sun)).statusCode, 409, 'nor a retired one');
  t.equal((await discard(99, sun)).statusCode, 404);
  t.equal((await app.inject({ url: `/api/v1/workflows/${ID}`, headers: clerk })).json().version, v3, 'version 3 is in force');
});

t.test('the impact flags only what a case meets at its step, by case number', async (t) => {
  const app = await build(t);
  const policy = await login(app, 'policy');
  const clerk = await login(app, 'district-clerk');
  const atWindow = (await openCase(app, clerk, ID, 'p-li-jun')).json();
  const atArchive = (await openCase(app, clerk, ID, 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, atArchive.id, 'SUBMIT', dischargeIntake)).statusCode, 200);

  const d = structuredClone(v1);
  d.forms.intake.required.push('mobile');
  const v = (await app.inject({ method: 'POST', url: `/api/v1/workflows/${ID}/versions`, headers: policy, payload: { definition: d, note: '手机号码改为必填' } })).json();
  t.same(v.findings, []);
  const impact = (await app.inject({ url: `${base(v.version)}/impact`, headers: policy })).json();
  t.match(impact.summary, { open: 2, flagged: 1, newRequired: 1, stateMissing: 0, dataInvalid: 0 });
  const window = impact.cases.find((c: { caseId: string }) => c.caseId === atWindow.id);
  t.match(window, { caseNo: /^退报-\d{4}-\d{5}$/, flagged: true, step: { zh: '窗口报到' }, newRequired: [{ form: 'intake', field: 'mobile', title: { zh: '手机号码' } }] },
    'the case at the window will be asked the new required field');
  const archive = impact.cases.find((c: { caseId: string }) => c.caseId === atArchive.id);
  t.match(archive, { flagged: false, newRequired: [], dataErrors: [] },
    'the case past the window is not: its answers to the intake form are history, and the form it meets next is unchanged');
});
