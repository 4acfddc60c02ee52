import t from 'tap';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { compile } from '../src/engine/compile.ts';
import { allowedEvents, replay, start, step, type Actor, type StoredSnapshot } from '../src/engine/engine.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';

const defs = new Map(readWorkflowFiles().files.map((f) => [f.definition.id, f.definition]));
const card = compile(defs.get('preferential-card')!);
const village: Actor = { id: 'v', role: 'clerk', level: 'village' };
const town: Actor = { id: 't', role: 'clerk', level: 'town' };
const districtA: Actor = { id: 'd1', role: 'clerk', level: 'district' };
const districtB: Actor = { id: 'd2', role: 'clerk', level: 'district' };
const application = {
  name: '李军', idNumber: makeIdNumber('330102', '1960-01-20', 171), mobile: '13800138000', cardBank: 'icbc', byAgent: false,
  materials: ['id-card', 'household-register', 'discharge-certificate', 'photo'],
};
// The engine is pure: the day its date rules judge against is given, as the service gives its clock's.
const NOW = new Date('2026-12-02T04:00:00Z');
const decision = { decisionBody: '某市退役军人事务局', documentNumber: '某退役审〔2026〕15号', decisionDate: '2026-11-20' };

function ok(r: ReturnType<typeof step>): StoredSnapshot {
  if (!r.ok) throw new Error(`rejected: ${r.code} ${JSON.stringify(r.errors ?? r.detail)}`);
  return r.snapshot;
}

t.test('a pure walk through the card: levels, four eyes, external decisions, replay', async (t) => {
  const opts = { lang: 'zh' as const, now: NOW };
  let s = start(card, { name: '李军' }).snapshot;
  t.equal(s.value, 'villagePrefill');
  t.same(allowedEvents(card, s, town).map((e) => e.type), [], 'a town clerk has nothing to do at a village step');
  t.equal((step(card, s, { type: 'SUBMIT', data: application }, town, opts) as { code: string }).code, 'FORBIDDEN');
  const events: { type: string; data?: Record<string, unknown> }[] = [];
  const go = (type: string, data: Record<string, unknown> | undefined, actor: Actor, previous?: string) => {
    s = ok(step(card, s, { type, data }, actor, { ...opts, previousActorId: previous }));
    events.push({ type, data });
  };
  go('SUBMIT', application, village);
  go('ACCEPT', { opinion: '材料齐全，予以受理' }, town);
  go('APPROVE', { opinion: '身份核实无误' }, districtA);
  const same = step(card, s, { type: 'APPROVE', data: { opinion: '同意' } }, districtA, { ...opts, previousActorId: 'd1' });
  t.equal((same as { code: string }).code, 'FOUR_EYES', 'the preliminary review needs a second person');
  t.same(allowedEvents(card, s, districtA, 'd1'), [], 'and offers the first person nothing');
  go('APPROVE', { opinion: '同意上报' }, districtB, 'd1');
  t.equal(s.value, 'cityReview');
  const noNumber = step(card, s, { type: 'RECORD_DECISION', data: { decisionBody: '市局', decisionDate: '2026-11-20' } }, districtA, opts);
  t.equal((noNumber as { code: string }).code, 'VALIDATION_FAILED', 'an external decision needs its document number');
  go('RECORD_DECISION', decision, districtA);
  go('RECORD_DECISION', { ...decision, decisionBody: '省退役军人事务厅', documentNumber: '省退役备〔2026〕3号' }, districtA);
  go('DELIVER', { cardNumber: 'YDZ2026000123', deliveredOn: '2026-11-30', signedBy: '李军' }, town);
  t.equal(s.value, 'granted');
  t.equal(s.status, 'done');
  t.equal(s.context.outcome, 'granted');
  t.same(replay(card, { name: '李军' }, events), s, 'replaying the machine events rebuilds the snapshot');
  t.equal(s.workflowId, 'preferential-card');
  t.equal(s.workflowVersion, 1);
});

t.test('guards see the case data and the materials', async (t) => {
  const s = start(card).snapshot;
  const afterSubmit = ok(step(card, s, { type: 'SUBMIT', data: { ...application, byAgent: true } }, village, { lang: 'en', now: NOW }));
  const accept = step(card, afterSubmit, { type: 'ACCEPT', data: { opinion: '受理' } }, town, { lang: 'en', now: NOW });
  t.equal((accept as { code: string }).code, 'GUARD_FAILED', 'an agent needs a power of attorney');
  t.match((accept as { detail: { en: string } }).detail.en, /materials/i);
});

t.test('system events come only from the service', async (t) => {
  let s = ok(step(card, start(card).snapshot, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW }));
  s = ok(step(card, s, { type: 'RETURN', data: { missing: ['photo'] } }, town, { lang: 'zh', now: NOW }));
  t.equal(s.value, 'awaitingMaterials');
  t.equal((step(card, s, { type: 'DEADLINE' }, town, { lang: 'zh', now: NOW }) as { code: string }).code, 'SYSTEM_EVENT');
  t.equal(ok(step(card, s, { type: 'DEADLINE' }, { id: 'system', role: 'system', level: 'system' }, { lang: 'zh', now: NOW })).value, 'withdrawn');
});

t.test('the engine is pure: the same input gives the same output', async (t) => {
  const a = step(card, start(card).snapshot, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW });
  const b = step(card, start(card).snapshot, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW });
  t.same(a, b);
  t.same((a as { effects: unknown[] }).effects, [{ type: 'issueNotice', notice: 'receipt' }]);
});
