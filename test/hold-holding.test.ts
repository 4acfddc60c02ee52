import t from 'tap';
import { escalationLevel, holderOf, holds, mayBeHanded, queueStationPath } from '../src/engine/holding.ts';

const QIAOTOU = 'xinhe.dongcheng.qiaotou';
const row = { stationPath: QIAOTOU, assigneeId: null, escalatedTo: null };
const clerk = (level: string, id = `${level}-clerk`) => ({ id, role: 'clerk', level });

t.test('a step is held by the station of its level above the case\'s station', async (t) => {
  t.equal(queueStationPath(QIAOTOU, 'village'), QIAOTOU);
  t.equal(queueStationPath(QIAOTOU, 'town'), 'xinhe.dongcheng');
  t.equal(queueStationPath(QIAOTOU, 'district'), 'xinhe');
  t.same(holderOf(row, 'town'), { kind: 'queue', level: 'town', stationPath: 'xinhe.dongcheng', supervisors: false });
  t.equal(holderOf(row, null), null, 'a step nobody acts on has no holder');
  t.equal(holderOf({ ...row, assigneeId: 'u1' }, null), null, 'not even a person it was handed to');
});

t.test('escalation always reaches someone new', async (t) => {
  t.equal(escalationLevel('village'), 'town');
  t.equal(escalationLevel('town'), 'district');
  t.equal(escalationLevel('district'), 'district');
  t.same(holderOf({ ...row, escalatedTo: 'district' }, 'town'), { kind: 'queue', level: 'district', stationPath: 'xinhe', supervisors: false });
  t.same(holderOf({ ...row, escalatedTo: 'district' }, 'district'), { kind: 'queue', level: 'district', stationPath: 'xinhe', supervisors: true },
    'at the top level the level\'s supervisors take it');
});

t.test('holds: the queue\'s level and role, or the one person', async (t) => {
  const townQueue = holderOf(row, 'town')!;
  t.ok(holds(townQueue, clerk('town'), ['clerk']));
  t.notOk(holds(townQueue, clerk('district'), ['clerk']), 'another level does not');
  t.notOk(holds(townQueue, { id: 's', role: 'supervisor', level: 'town' }, ['clerk']), 'nor a supervisor when the step is the clerks\'');
  const top = holderOf({ ...row, escalatedTo: 'district' }, 'district')!;
  t.ok(holds(top, { id: 's', role: 'supervisor', level: 'district' }, ['clerk']));
  t.notOk(holds(top, clerk('district'), ['clerk']), 'escalated to the supervisors, the clerks no longer hold it');
  const person = holderOf({ ...row, assigneeId: 'v2' }, 'district')!;
  t.ok(holds(person, clerk('village', 'v2'), ['clerk']), 'the person it was handed to, at any level');
  t.notOk(holds(person, clerk('district'), ['clerk']), 'not the queue it was taken from');
  t.notOk(holds(person, clerk('village', 'v2'), ['supervisor', 'policy']), 'a clerk still cannot take a supervisor\'s decision');
  t.ok(holds(person, { id: 'v2', role: 'supervisor', level: 'town' }, ['supervisor', 'policy']));
});

t.test('who may be handed a step', async (t) => {
  t.ok(mayBeHanded('clerk', ['clerk']));
  t.ok(mayBeHanded('supervisor', ['clerk']));
  t.notOk(mayBeHanded('clerk', ['supervisor']));
  t.notOk(mayBeHanded('policy', ['policy', 'supervisor']), 'policy officers and admins never hold a step');
  t.notOk(mayBeHanded('admin', ['clerk']));
});
