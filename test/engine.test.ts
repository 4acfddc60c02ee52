import t from 'tap';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { compile } from '../src/engine/compile.ts';
import { actingLevel, allowedEvents, replay, start, step, type Actor, type StoredSnapshot } from '../src/engine/engine.ts';
import { escalationLevel, holderOf, type HeldCase, type Holder } from '../src/engine/holding.ts';
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

const QIAOTOU = 'xinhe.dongcheng.qiaotou';
/** The holder of the card's step `s` for a case of 桥头村 as its row stands (`row`: assignee, escalation). */
function heldBy(s: StoredSnapshot, row: Partial<HeldCase> = {}): Holder | null {
  const level = actingLevel(card.definition.machine.states[s.value]!);
  return holderOf({ stationPath: QIAOTOU, assigneeId: null, escalatedTo: null, ...row }, level);
}

function ok(r: ReturnType<typeof step>): StoredSnapshot {
  if (!r.ok) throw new Error(`rejected: ${r.code} ${JSON.stringify(r.errors ?? r.detail)}`);
  return r.snapshot;
}

t.test('a pure walk through the card: levels, four eyes, external decisions, replay', async (t) => {
  let s = start(card, { name: '李军' }).snapshot;
  const opts = () => ({ lang: 'zh' as const, now: NOW, holder: heldBy(s) });
  t.equal(s.value, 'villagePrefill');
  t.same(allowedEvents(card, s, town, opts()).map((e) => e.type), [], 'a town clerk has nothing to do at a village step');
  t.equal((step(card, s, { type: 'SUBMIT', data: application }, town, opts()) as { code: string }).code, 'FORBIDDEN');
  const events: { type: string; data?: Record<string, unknown> }[] = [];
  const go = (type: string, data: Record<string, unknown> | undefined, actor: Actor, previous?: string) => {
    s = ok(step(card, s, { type, data }, actor, { ...opts(), previousActorId: previous }));
    events.push({ type, data });
  };
  go('SUBMIT', application, village);
  go('ACCEPT', { opinion: '材料齐全，予以受理' }, town);
  go('APPROVE', { opinion: '身份核实无误' }, districtA);
  const same = step(card, s, { type: 'APPROVE', data: { opinion: '同意' } }, districtA, { ...opts(), previousActorId: 'd1' });
  t.equal((same as { code: string }).code, 'FOUR_EYES', 'the preliminary review needs a second person');
  t.same(allowedEvents(card, s, districtA, { holder: heldBy(s), previousActorId: 'd1' }), [], 'and offers the first person nothing');
  go('APPROVE', { opinion: '同意上报' }, districtB, 'd1');
  t.equal(s.value, 'cityReview');
  const noNumber = step(card, s, { type: 'RECORD_DECISION', data: { decisionBody: '市局', decisionDate: '2026-11-20' } }, districtA, opts());
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
  const afterSubmit = ok(step(card, s, { type: 'SUBMIT', data: { ...application, byAgent: true } }, village, { lang: 'en', now: NOW, holder: heldBy(s) }));
  const accept = step(card, afterSubmit, { type: 'ACCEPT', data: { opinion: '受理' } }, town, { lang: 'en', now: NOW, holder: heldBy(afterSubmit) });
  t.equal((accept as { code: string }).code, 'GUARD_FAILED', 'an agent needs a power of attorney');
  t.match((accept as { detail: { en: string } }).detail.en, /materials/i);
});

t.test('system events come only from the service', async (t) => {
  const first = start(card).snapshot;
  let s = ok(step(card, first, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW, holder: heldBy(first) }));
  s = ok(step(card, s, { type: 'RETURN', data: { missing: ['photo'] } }, town, { lang: 'zh', now: NOW, holder: heldBy(s) }));
  t.equal(s.value, 'awaitingMaterials');
  t.equal((step(card, s, { type: 'DEADLINE' }, town, { lang: 'zh', now: NOW, holder: heldBy(s) }) as { code: string }).code, 'SYSTEM_EVENT');
  t.equal(ok(step(card, s, { type: 'DEADLINE' }, { id: 'system', role: 'system', level: 'system' }, { lang: 'zh', now: NOW, holder: null })).value, 'withdrawn');
});

t.test('the engine is pure: the same input gives the same output', async (t) => {
  const first = start(card).snapshot;
  const a = step(card, first, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW, holder: heldBy(first) });
  const b = step(card, first, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW, holder: heldBy(first) });
  t.same(a, b);
  t.same((a as { effects: unknown[] }).effects, [{ type: 'issueNotice', notice: 'receipt' }]);
});

t.test('the holder decides who acts: escalation, a hand-over, the top level\'s supervisors', async (t) => {
  const first = start(card).snapshot;
  const atTown = ok(step(card, first, { type: 'SUBMIT', data: application }, village, { lang: 'zh', now: NOW, holder: heldBy(first) }));
  const accept = { type: 'ACCEPT', data: { opinion: '材料齐全，予以受理' } };
  const code = (r: ReturnType<typeof step>) => (r.ok ? 'ok' : r.code);
  const with_ = (holder: Holder | null) => ({ lang: 'zh' as const, now: NOW, holder });

  const escalated = heldBy(atTown, { escalatedTo: escalationLevel('town') });
  t.equal(code(step(card, atTown, accept, town, with_(escalated))), 'FORBIDDEN', 'escalated to the district, the town no longer acts');
  t.same(allowedEvents(card, atTown, town, { holder: escalated }), []);
  t.ok(allowedEvents(card, atTown, districtA, { holder: escalated }).some((e) => e.type === 'ACCEPT'), 'the district is offered the town\'s step');
  t.equal(ok(step(card, atTown, accept, districtA, with_(escalated))).value, 'identityCheck', 'and takes it as the town would have');

  const handed = heldBy(atTown, { assigneeId: 'v2' });
  const villageB: Actor = { id: 'v2', role: 'clerk', level: 'village' };
  t.equal(code(step(card, atTown, accept, villageB, with_(handed))), 'ok', 'the person the step was handed to acts, whatever their level');
  t.equal(code(step(card, atTown, accept, town, with_(handed))), 'FORBIDDEN', 'the station it was taken from does not');
  t.equal(code(step(card, atTown, accept, { id: 'v2', role: 'policy', level: 'district' }, with_(handed))), 'FORBIDDEN', 'a policy officer is never handed a step');

  const atDistrict = ok(step(card, atTown, accept, town, with_(heldBy(atTown))));
  const top = heldBy(atDistrict, { escalatedTo: escalationLevel('district') });
  t.match(top, { kind: 'queue', level: 'district', supervisors: true }, 'escalated at the top, the district\'s supervisors hold it');
  const review = { type: 'APPROVE', data: { opinion: '身份核实无误' } };
  t.equal(code(step(card, atDistrict, review, districtA, with_(top))), 'FORBIDDEN', 'the district\'s clerks no longer act');
  t.equal(code(step(card, atDistrict, review, { id: 's1', role: 'supervisor', level: 'district' }, with_(top))), 'ok', 'its supervisor does');
  t.equal(code(step(card, atDistrict, review, districtA, with_(null))), 'FORBIDDEN', 'a step nobody holds is the service\'s alone');
});
