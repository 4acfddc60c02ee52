import t from 'tap';
import { readFileSync } from 'node:fs';
import { setUserDisabled } from '../src/auth/account.service.ts';
import { manualClock } from '../src/clock.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { insertVersionIfMissing } from '../src/definitions/workflow.repository.ts';
import { sweep } from '../src/supervision/sweeper.ts';
import { build, login } from './helpers/build.ts';
import { send } from './helpers/fixtures.ts';

// The holder of a step (ADR 0019) is who may act on it: escalation and 转办 move that right, through
// the real HTTP API and the real sweeper, on the deadline drill (a town review, then the district's).
t.test('escalation and hand-over give the step to the new holder and take it from the old', async (t) => {
  const clock = manualClock('2026-11-02T09:00:00+08:00');
  const app = await build(t, { clock, config: { sessionTtlMinutes: 60 * 24 * 365, sessionMaxHours: 24 * 365 } });
  const def = JSON.parse(readFileSync(new URL('./fixtures/deadline-drill.json', import.meta.url), 'utf8')) as WorkflowDefinition;
  await insertVersionIfMissing(app.db, def, 'test fixture', 'test', clock.now());
  const [district, town, village, sup] = await Promise.all(['district-clerk', 'town-clerk', 'village-clerk', 'supervisor'].map((u) => login(app, u)));
  const open = async () => (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'deadline-drill', personId: 'p-zhang-wei' } })).json();
  const view = async (id: string, headers = sup) => (await app.inject({ url: `/api/v1/cases/${id}`, headers })).json();
  const page = async (id: string, headers: Record<string, string>) => (await app.inject({ url: `/cases/${id}`, headers })).body;
  const home = async (headers: Record<string, string>) => (await app.inject({ url: '/', headers })).body;
  const note = { opinion: '同意' };
  const overdue = await open();
  const handed = await open();

  t.match((await view(overdue.id)).holder, { kind: 'queue', stationId: 'dongcheng', stationName: { zh: '东城镇退役军人服务站' }, level: 'town', supervisors: false },
    'a new case waits in the town station\'s queue');
  t.match(await page(overdue.id, district), /已交东城镇退役军人服务站办理/, 'the district clerk who started it is told where it went');

  await t.test('an overdue town step escalated by the sweeper is the district clerks\' to act on', async (t) => {
    clock.set('2026-11-13T09:00:00+08:00'); // due the 9th, two working days' grace
    t.equal((await sweep(app.caseDeps, { graceWorkingDays: 2, batchSize: 50 })).escalated, 2);
    t.match((await view(overdue.id)).holder, { kind: 'queue', stationId: 'xinhe', level: 'district', supervisors: false });
    t.match(await page(overdue.id, district), /东城镇退役军人服务站 → 新河区退役军人事务局（超期自动）/, 'the history names both stations');
    t.match(await home(district), new RegExp(`/cases/${overdue.id}`), 'the district clerk finds it on the home page');
    t.notMatch(await home(town), new RegExp(`/cases/${overdue.id}`), 'the town clerk no longer does');
    t.equal((await send(app, town, overdue.id, 'APPROVE', note)).statusCode, 403, 'the town no longer acts');
    const approved = await send(app, district, overdue.id, 'APPROVE', note);
    t.equal(approved.statusCode, 200, approved.body.slice(0, 300));
    t.match(approved.json(), { state: 'districtReview', escalatedTo: null, holder: { kind: 'queue', level: 'district', supervisors: false } },
      'the next step waits in its own level\'s queue, the escalation cleared');
  });

  await t.test('a district step escalated by hand goes to the district\'s supervisors', async (t) => {
    const esc = await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: sup, payload: { caseIds: [overdue.id], reason: '请督办人员决定' } });
    t.match(esc.json().results, [{ ok: true }]);
    t.match((await view(overdue.id)).holder, { kind: 'queue', stationId: 'xinhe', level: 'district', supervisors: true });
    t.match(await page(overdue.id, sup), /新河区退役军人事务局 → 新河区退役军人事务局督办人员/, 'never a level to itself');
    const again = await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: sup, payload: { caseIds: [overdue.id], reason: '再次升级' } });
    t.match(again.json().results, [{ ok: false, code: 'EVENT_NOT_ALLOWED', message: /督办人员/ }], 'there is nowhere further to send it');
    t.equal((await send(app, district, overdue.id, 'APPROVE', note)).statusCode, 403, 'the district clerks no longer act');
    t.match(await page(overdue.id, district), /已交新河区退役军人事务局督办人员办理/);
    t.equal((await send(app, sup, overdue.id, 'APPROVE', note)).statusCode, 200, 'the supervisor does');
  });

  await t.test('转办 grants the step to someone who may take it, and only to them', async (t) => {
    const reassign = (userId: string, lang = 'zh-CN') => app.inject({
      method: 'POST', url: `/api/v1/cases/${handed.id}/events`, headers: { ...sup, 'accept-language': lang },
      payload: { type: 'REASSIGN', data: { userId, reason: '就近办理' }, expectedVersion: handed.version },
    });
    const refused = async (userId: string, why: RegExp) => {
      const res = await reassign(userId);
      t.equal(res.statusCode, 422, `${userId} refused`);
      t.match(res.json().errors, [{ path: '/userId', message: why }]);
      handed.version = (await view(handed.id)).version;
    };
    handed.version = (await view(handed.id)).version;
    await refused('u-policy', /孙磊（政策）是政策管理人员，不办理案件环节/);
    await refused('u-admin', /系统管理员/);
    await refused('u-xishan-clerk', /山下村 周丽的辖区不含本案件所在地/);
    await refused('nobody', /该用户不存在或已停用/);
    await setUserDisabled(app.db, 'u-district-clerk-2', true);
    await refused('u-district-clerk-2', /已停用/);
    t.equal((await view(handed.id)).assigneeId, null, 'nothing was written by a refusal');

    const picker = (await page(handed.id, sup)).match(/id="REASSIGN-user"[\s\S]*?<\/select>/)![0];
    t.match(picker, /桥头村 王芳/, 'the picker offers the village clerk whose area holds the case');
    for (const never of ['孙磊', '系统管理员', '周丽', '刘洋']) t.notMatch(picker, new RegExp(never), `nor ${never}`);

    const ok = await reassign('u-village-clerk');
    t.equal(ok.statusCode, 200, ok.body.slice(0, 300));
    t.match(ok.json().holder, { kind: 'person', userId: 'u-village-clerk', name: '桥头村 王芳' });
    t.match(ok.json().history.at(-1), { type: 'REASSIGN', payload: { userId: 'u-village-clerk' } }, 'recorded in the history');
    t.match(await home(village), new RegExp(`/cases/${handed.id}`), 'the village clerk finds it at home');
    t.equal((await send(app, town, handed.id, 'APPROVE', note)).statusCode, 403, 'the town station it was taken from is refused');
    t.match(await page(handed.id, town), /已交桥头村 王芳办理/);
    const acted = await send(app, village, handed.id, 'APPROVE', note);
    t.equal(acted.statusCode, 200, acted.body.slice(0, 300));
    t.match(acted.json(), { state: 'districtReview', assigneeId: null, holder: { kind: 'queue', level: 'district' } }, 'the next step goes to its queue');
  });
});
