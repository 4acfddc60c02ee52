import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, login } from './helpers/build.ts';
import { loadSamples } from './helpers/paths.ts';

/*
 * 认领 / 退回队列 and queues nobody reads, through the API on the demo district: 东城镇 has two clerks
 * (town-clerk 李强, town-clerk-2 何丽), 河西社区 (hexi) none.
 */

const correction = loadSamples('employment-entrepreneurship').forms.correction as Record<string, unknown>;

async function events(app: FastifyInstance, caseId: string): Promise<number> {
  return (await app.db.selectFrom('case_events').select('seq').where('case_id', '=', caseId).execute()).length;
}

t.test('a claimed step is the claimer\'s until released; the second clerk is told who has it', async (t) => {
  const app = await build(t);
  const [li, he, village, townSup] = await Promise.all(['town-clerk', 'town-clerk-2', 'village-clerk', 'town-supervisor'].map((u) => login(app, u)));
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: li, payload: { workflowId: 'employment-entrepreneurship', personId: 'p-zhang-wei' } });
  t.equal(opened.statusCode, 201, opened.body);
  const id = opened.json().id;
  const view = async (h: Record<string, string>) => (await app.inject({ url: `/api/v1/cases/${id}`, headers: h })).json();
  const send = (h: Record<string, string>, type: string, data: Record<string, unknown>, expectedVersion: number) =>
    app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: h, payload: { type, data, expectedVersion } });

  t.same((await view(he)).claim, { claimedBy: null, mayClaim: true, mayRelease: false }, 'both town clerks may claim the town step');
  t.same((await view(village)).claim, { claimedBy: null, mayClaim: false, mayRelease: false }, 'a village clerk may not');
  const notHers = await send(village, 'CLAIM', {}, 1);
  t.equal(notHers.statusCode, 403);
  t.equal(notHers.json().message, '只有本环节所在服务站的经办人可以认领');

  const claimed = await send(li, 'CLAIM', {}, 1);
  t.equal(claimed.statusCode, 200, claimed.body);
  t.equal(claimed.json().assigneeId, 'u-town-clerk');
  t.equal(claimed.json().claim.claimedBy.name, '东城镇 李强');
  t.equal(claimed.json().history.at(-1).type, 'CLAIM');

  const seenByHe = await view(he);
  t.same(seenByHe.currentStep.allowedEvents, [], 'the other clerk of the queue has nothing to do on it');
  t.match(seenByHe.claim, { mayClaim: false, mayRelease: false });
  const before = await events(app, id);
  const second = await send(he, 'CLAIM', {}, 2);
  t.equal(second.statusCode, 409);
  t.equal(second.json().code, 'QUEUE_CLAIMED');
  t.match(second.json().message, /^本环节已由 东城镇 李强 于 \d+月\d+日 \d\d:\d\d 认领，其他人不能办理/);
  const acted = await send(he, 'RETURN', correction, 2);
  t.equal(acted.statusCode, 403);
  t.match(acted.json().message, /^本环节已由 东城镇 李强 于 .+ 认领/, 'a step refused in words that say who claimed it');
  const released = await send(he, 'RELEASE', {}, 2);
  t.equal(released.statusCode, 403);
  t.equal(released.json().message, '只有认领人本人或其上级督办人员可以退回队列');
  t.equal(await events(app, id), before, 'nothing written by the refusals');

  const back = await send(li, 'RELEASE', { reason: '本人下周休假' }, 2);
  t.equal(back.statusCode, 200, back.body);
  t.equal(back.json().assigneeId, null);
  t.equal(back.json().claim.claimedBy, null);
  const again = await send(li, 'RELEASE', {}, 3);
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'QUEUE_NOT_CLAIMED');

  // Claimed by the second clerk, released by the town's supervisor over the case.
  t.equal((await send(he, 'CLAIM', {}, 3)).statusCode, 200);
  t.equal((await view(townSup)).claim.mayRelease, true);
  t.equal((await send(townSup, 'RELEASE', { reason: '重新分配' }, 4)).statusCode, 200);
  const done = await send(he, 'RETURN', correction, 5);
  t.equal(done.statusCode, 200, `after release the other clerk acts: ${done.body.slice(0, 300)}`);
  t.equal(done.json().state, 'awaitingMaterials');
  t.equal(done.json().assigneeId, null, 'the next step waits in its queue again');
});

t.test('an urge to a queue nobody reads is refused; the supervisor sees the queue and routes its cases', async (t) => {
  const app = await build(t);
  const [town, sup] = await Promise.all(['town-clerk', 'supervisor'].map((u) => login(app, u)));
  // 李军 lives in 河西社区: the first step of 光荣牌 waits at his village station, which has no clerk.
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: town, payload: { workflowId: 'glory-plaque', personId: 'p-li-jun' } });
  t.equal(opened.statusCode, 201, opened.body);
  const id = opened.json().id;
  const before = await events(app, id);

  const urged = await app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: sup, payload: { type: 'URGE', data: { text: '请尽快入户核实' }, expectedVersion: 1 } });
  t.equal(urged.statusCode, 409);
  t.equal(urged.json().code, 'QUEUE_NO_HOLDER');
  t.equal(urged.json().message, '河西社区退役军人服务站目前没有在岗经办人，催办无人接收；请先转办');
  const bulk = await app.inject({ method: 'POST', url: '/api/v1/supervision/urge', headers: sup, payload: { caseIds: [id], text: '请尽快入户核实' } });
  t.equal(bulk.statusCode, 200);
  t.match(bulk.json().results[0], { caseId: id, ok: false, code: 'QUEUE_NO_HOLDER', message: /Hexi Community Station has no active clerk|河西社区/ });
  t.equal(await events(app, id), before, 'nothing written');
  t.equal((await app.inject({ url: `/api/v1/cases/${id}`, headers: sup })).json().version, 1);

  const queues = await app.inject({ url: '/api/v1/supervision/queues', headers: sup });
  t.equal(queues.statusCode, 200);
  const hexi = queues.json().items.find((q: { holder: { stationId?: string } }) => q.holder.stationId === 'hexi');
  t.match(hexi, { holder: { kind: 'queue', stationName: { zh: '河西社区退役军人服务站' }, level: 'village', supervisors: false }, open: 1, overdue: 0, active: false, caseIds: [id] });
  t.equal(queues.json().items[0].active, false, 'the queues nobody reads come first');
  t.equal((await app.inject({ url: '/api/v1/supervision/queues', headers: town })).statusCode, 403, 'for supervisors');

  const routed = await app.inject({ method: 'POST', url: '/api/v1/supervision/reassign', headers: sup, payload: { caseIds: hexi.caseIds, userId: 'u-town-clerk', reason: '河西社区暂无经办人' } });
  t.same(routed.json().results.map((r: { ok: boolean }) => r.ok), [true]);
  const after = (await app.inject({ url: '/api/v1/supervision/queues', headers: sup })).json().items;
  t.notOk(after.some((q: { holder: { stationId?: string } }) => q.holder.stationId === 'hexi'), 'the empty queue holds nothing now');
  t.match(after.find((q: { holder: { userId?: string } }) => q.holder.userId === 'u-town-clerk'), { holder: { kind: 'person', name: '东城镇 李强' }, open: 1, active: true });
  const held = (await app.inject({ url: `/api/v1/cases/${id}`, headers: town })).json();
  t.ok(held.currentStep.allowedEvents.some((e: { type: string }) => e.type === 'SUBMIT'), 'the town clerk it was routed to can act');
  const urgedNow = await app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: sup, payload: { type: 'URGE', data: { text: '请尽快入户核实' }, expectedVersion: held.version } });
  t.equal(urgedNow.statusCode, 200, 'an urge reaches the person who holds it now');

  // The person it was handed to leaves (account disabled): the case waits for nobody again.
  await app.db.updateTable('users').set({ disabled: true }).where('id', '=', 'u-town-clerk').execute();
  const toNobody = await app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: sup, payload: { type: 'URGE', data: { text: '请尽快入户核实' }, expectedVersion: held.version + 1 } });
  t.equal(toNobody.statusCode, 409);
  t.equal(toNobody.json().message, '承办人东城镇 李强的账户已停用，催办无人接收；请先转办');
  const flagged = (await app.inject({ url: '/api/v1/supervision/queues', headers: sup })).json().items[0];
  t.match(flagged, { holder: { kind: 'person', userId: 'u-town-clerk' }, active: false }, 'a disabled holder is flagged too');
});
