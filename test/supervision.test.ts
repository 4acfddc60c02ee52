import t from 'tap';
import { readFileSync } from 'node:fs';
import { manualClock } from '../src/clock.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { insertVersionIfMissing } from '../src/definitions/workflow.repository.ts';
import { sweep } from '../src/supervision/sweeper.ts';
import { build, login } from './helpers/build.ts';
import { send } from './helpers/fixtures.ts';

t.test('a supervisor sees what is overdue, where it piles up, who holds it and what happened', async (t) => {
  const clock = manualClock('2026-11-02T09:00:00+08:00');
  const app = await build(t, { clock, config: { sessionTtlMinutes: 60 * 24 * 365, sessionMaxHours: 24 * 365 } });
  const def = JSON.parse(readFileSync(new URL('./fixtures/deadline-drill.json', import.meta.url), 'utf8')) as WorkflowDefinition;
  await insertVersionIfMissing(app.db, def, 'test fixture', 'test', clock.now());
  const [district, townClerk, townSup, sup, xishanClerk] = await Promise.all(['district-clerk', 'town-clerk', 'town-supervisor', 'supervisor', 'xishan-clerk'].map((u) => login(app, u)));
  const open = async (personId: string) => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'deadline-drill', personId } })).json();
  const dongcheng = [await open('p-zhang-wei'), await open('p-zhang-wei'), await open('p-li-jun')];
  const xishan = [await open('p-zhao-lei')];
  // One case moves on: approved by the town on the 3rd, then sent back by the district on the 5th.
  clock.set('2026-11-03T10:00:00+08:00');
  await send(app, townClerk, dongcheng[0].id, 'APPROVE', { opinion: '同意' });
  clock.set('2026-11-05T10:00:00+08:00');
  await send(app, district, dongcheng[0].id, 'SEND_BACK', { opinion: '请核实' });

  clock.set('2026-11-10T09:00:00+08:00'); // the others were due on the 9th
  const list = async (headers: Record<string, string>, q: string) => (await app.inject({ url: `/api/v1/cases?${q}`, headers })).json();
  const overdueTown = await list(townSup, 'due=overdue');
  t.same(overdueTown.items.map((c: { id: string }) => c.id).sort(), [dongcheng[1].id, dongcheng[2].id].sort(), 'the town supervisor sees only the town');
  const overdueAll = await list(sup, 'due=overdue');
  t.equal(overdueAll.items.length, 3, 'the district supervisor sees the whole district');
  const one = overdueAll.items[0];
  t.match(one, { overdue: true, stepLevel: 'town', daysInStep: 8 });
  t.ok(['dongcheng', 'xishan'].includes(one.holderStationId), 'held by the town station of the subject');
  const soon = await list(sup, 'due=soon&soonDays=5');
  t.same(soon.items.map((c: { id: string }) => c.id), [dongcheng[0].id], 'due soon: the case sent back on the 5th (due the 12th)');
  const idle = await list(sup, 'due=idle&idleDays=7');
  t.same(idle.items.map((c: { id: string }) => c.id).sort(), [dongcheng[1].id, dongcheng[2].id, xishan[0].id].sort(), 'idle: no step for 7 days');
  const page1 = await list(sup, 'due=overdue&limit=2');
  t.equal(page1.items.length, 2);
  const page2 = await list(sup, `due=overdue&limit=2&cursor=${page1.nextCursor}`);
  t.equal(page2.items.length, 1, 'keyset pagination continues where it stopped');
  t.equal(new Set([...page1.items, ...page2.items].map((c: { id: string }) => c.id)).size, 3);
  t.equal((await app.inject({ url: '/api/v1/cases?cursor=nonsense', headers: sup })).statusCode, 400);
  t.equal((await list(sup, 'due=overdue&stationId=xishan')).items.length, 1, 'filter by station subtree');
  t.equal((await app.inject({ url: '/api/v1/cases?stationId=xishan', headers: townSup })).statusCode, 404, 'not outside one\'s own area');

  const reportRes = await app.inject({ url: '/api/v1/reports/stations', headers: sup });
  t.equal(reportRes.statusCode, 200, reportRes.body.slice(0, 300));
  const report = reportRes.json();
  const byId = Object.fromEntries(report.byStation.map((s: { stationId: string }) => [s.stationId, s]));
  t.match(byId.xinhe, { open: 4, overdue: 3 });
  t.match(byId.dongcheng, { open: 3, overdue: 2 });
  t.match(byId.qiaotou, { open: 2, overdue: 1 });
  t.match(report.byItem, [{ workflowId: 'deadline-drill', open: 4, overdue: 3 }]);
  t.equal((await app.inject({ url: '/api/v1/reports/stations', headers: townClerk })).statusCode, 403, 'reports are for supervisors');

  const reassign = await app.inject({ method: 'POST', url: '/api/v1/supervision/reassign', headers: sup, payload: { caseIds: [dongcheng[1].id, dongcheng[2].id, 'no-such-case'], userId: 'u-town-clerk', reason: '集中办理' } });
  t.equal(reassign.statusCode, 200);
  t.match(reassign.json().results, [{ ok: true }, { ok: true }, { ok: false, code: 'NOT_FOUND' }], 'each case reports its own outcome');
  t.equal((await list(sup, 'assigneeId=u-town-clerk')).items.length, 2);
  await app.inject({ method: 'POST', url: '/api/v1/supervision/urge', headers: sup, payload: { caseIds: [dongcheng[1].id], text: '已超期，请今日办结' } });
  const urges = (await app.inject({ url: '/api/v1/me/urges', headers: townClerk })).json().items;
  t.match(urges, [{ caseId: dongcheng[1].id, text: '已超期，请今日办结', by: /赵敏/ }], 'the holder sees the urge');
  t.same((await app.inject({ url: '/api/v1/me/urges', headers: xishanClerk })).json().items, []);
  const esc = await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: townSup, payload: { caseIds: [dongcheng[2].id], reason: '多次催办未果' } });
  t.match(esc.json().results, [{ ok: true }]);
  t.equal((await list(sup, 'due=overdue')).items.find((c: { id: string }) => c.id === dongcheng[2].id).escalatedTo, 'district');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: townClerk, payload: { caseIds: [dongcheng[2].id], reason: '越权' } })).statusCode, 403);

  clock.set('2026-11-13T09:00:00+08:00');
  const swept = await sweep(app.caseDeps, { graceWorkingDays: 2, batchSize: 50 });
  t.equal(swept.escalated, 2, 'the sweeper escalates the two not yet escalated by hand');

  const bottlenecks = (await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30', headers: sup })).json().rows;
  const town = bottlenecks.find((r: { state: string }) => r.state === 'townReview');
  t.match(town, { workflowId: 'deadline-drill', step: { zh: '镇站审核' }, entries: 5 });
  t.equal(town.medianHours, 25, 'the one finished town review took 25 hours');
  const csv = await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&format=csv', headers: sup });
  t.match(csv.headers['content-type'], /text\/csv/);
  t.ok(csv.body.startsWith('\uFEFF'), 'CSV carries a BOM for spreadsheets');
  t.match(csv.body, /时限演练事项,镇站审核,5,25\.0,25\.0/);
  const svg = await app.inject({ url: '/api/v1/reports/bottlenecks?from=2026-11-01&to=2026-11-30&format=svg', headers: sup });
  t.match(svg.body, /^<svg[^>]*>.*镇站审核.*<\/svg>$/s);

  const audit = await app.inject({ url: '/api/v1/audit/events?from=2026-11-01&to=2026-11-30&format=csv', headers: sup });
  t.equal(audit.statusCode, 200);
  const lines = audit.body.trim().split('\r\n');
  t.equal(lines.length - 1, Number((await app.db.selectFrom('case_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 'every history entry, one line each');
  t.match(audit.body, /SEND_BACK/);
  t.equal((await app.inject({ url: '/api/v1/audit/events?from=2026-11-30&to=2026-11-01', headers: sup })).statusCode, 400);
  const history = (await app.inject({ url: '/api/v1/persons/p-zhang-wei/history', headers: townClerk })).json().items;
  t.ok(history.some((h: { type: string; actor: string }) => h.type === 'SEND_BACK' && /陈静/.test(h.actor)), "a person's history names who did what");
  t.equal((await app.inject({ url: '/api/v1/persons/p-zhang-wei/history', headers: xishanClerk })).statusCode, 404);
});
