import t from 'tap';
import { readFileSync } from 'node:fs';
import { lintDefinition } from '../src/definitions/linter.ts';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';

const base = JSON.parse(readFileSync(new URL('../workflows/preferential-card.json', import.meta.url), 'utf8'));
const known = new Set(['preferential-card', 'veteran-profile']);

/** A copy of a real definition with one thing broken. */
function broken(edit: (d: any) => void): unknown {
  const d = structuredClone(base);
  edit(d);
  return d;
}

function findings(def: unknown) {
  return lintDefinition('workflows/preferential-card.json', def, known);
}

t.test('every workflow in the repository passes', async (t) => {
  const { files, findings } = readWorkflowFiles();
  t.same(findings, [], 'no findings');
  t.ok(files.length >= 3);
});

t.test('the unbroken base passes', async (t) => {
  t.same(findings(base), []);
});

const cases: [string, (d: any) => void, string, RegExp][] = [
  ['unknown top-level field', (d) => { d.colour = 'red'; }, '$', /unknown field: "colour"/],
  ['unknown field in a state', (d) => { d.machine.states.delivery.meta.colour = 'red'; }, '$.machine.states.delivery.meta', /unknown field/],
  ['unreachable state', (d) => { d.machine.states.orphan = { meta: { step: { zh: '孤立', en: 'Orphan' }, level: 'town' }, on: { DELIVER: { target: 'granted' } } }; }, '$.machine.states.orphan', /unreachable/],
  ['non-final state with no way out', (d) => { d.machine.states.delivery.on = {}; d.machine.states.delivery.meta.events = {}; }, '$.machine.states.delivery', /needs a way out/],
  ['states that cannot reach a final state', (d) => {
    d.machine.states.loopA = { meta: { step: { zh: '甲', en: 'A' }, level: 'town' }, on: { DELIVER: { target: 'loopB' } } };
    d.machine.states.loopB = { meta: { step: { zh: '乙', en: 'B' }, level: 'town' }, on: { DELIVER: { target: 'loopA' } } };
    d.machine.states.delivery.on.WITHDRAW = { target: 'loopA' };
    d.machine.states.delivery.meta.events.WITHDRAW = { form: 'withdrawal' };
  }, '$.machine.states.loopA', /no final state can be reached/],
  ['missing target state', (d) => { d.machine.states.delivery.on.DELIVER.target = 'nowhere'; }, '$.machine.states.delivery.on.DELIVER.target', /"nowhere" does not exist/],
  ['missing form', (d) => { d.machine.states.delivery.meta.events.DELIVER.form = 'ghost'; }, '$.machine.states.delivery.meta.events.DELIVER.form', /form "ghost" is not defined/],
  ['missing notice', (d) => { d.machine.states.granted.entry[0].params.notice = 'ghost'; }, '$.machine.states.granted.entry[0].params.notice', /notice "ghost"/],
  ['missing child workflow', (d) => { d.machine.states.granted.entry.push({ type: 'startCase', params: { workflowId: 'ghost-item' } }); }, '$.machine.states.granted.entry[1].params.workflowId', /"ghost-item" does not exist/],
  ['undeclared event', (d) => { d.machine.states.delivery.on.FLY = { target: 'granted' }; }, '$.machine.states.delivery.on.FLY', /not declared/],
  ['unknown guard kind', (d) => { d.machine.states.townAcceptance.on.ACCEPT.guard = { type: 'runScript' }; }, '$.machine.states.townAcceptance.on.ACCEPT', /.+/],
  ['invalid JSON Schema in a form', (d) => { d.forms.delivery.properties.cardNumber.type = 'text'; }, '$.forms.delivery', /invalid JSON Schema/],
  ['missing material', (d) => { d.machine.states.villagePrefill.meta.materials.push('ghost-paper'); }, '$.machine.states.villagePrefill.meta.materials[5]', /material "ghost-paper"/],
  ['prefilled field in no form', (d) => { d.prefill.shoeSize = 'shoeSize'; }, '$.prefill.shoeSize', /in no form/],
  ['refusal without appeal route', (d) => { d.forms.refusal.required = ['reasonCode', 'reason', 'legalBasis']; }, '$.machine.states.townAcceptance.meta.events.REFUSE', /requires "appealRoute"/],
  ['external step without document number', (d) => { d.forms.externalDecision.required = ['decisionBody', 'decisionDate']; }, '$.machine.states.cityReview.meta.events.RECORD_DECISION', /"documentNumber"/],
  ['final state without outcome', (d) => { delete d.machine.states.granted.meta.outcome; }, '$.machine.states.granted.meta.outcome', /outcome/],
  ['timer event not handled', (d) => { d.machine.states.awaitingMaterials.meta.timer.event = 'ESCALATE'; d.events.ESCALATE = { label: { zh: '升级', en: 'Escalate' } }; }, '$.machine.states.awaitingMaterials.meta.timer.event', /does not handle its timer event/],
  ['event declared but never used', (d) => { d.events.NEVER = { label: { zh: '从不', en: 'Never' } }; }, '$.events.NEVER', /never used/],
  ['an ID-number field named so it would be stored in clear', (d) => { d.forms.delivery.properties.collectorId = { type: 'string', title: '领取人证件号', format: 'cn-id-number' }; }, '$.forms.delivery.properties.collectorId', /encrypted at rest/],
  ['an SLA beyond ten years', (d) => { d.machine.states.villagePrefill.meta.sla = { workingDays: 3661 }; }, '$.machine.states.villagePrefill.meta.sla.workingDays', /3660/],
  ['a calendar-day SLA of 1e999 (Infinity once parsed)', (d) => { d.machine.states.townAcceptance.meta.sla = { calendarDays: Infinity }; }, '$.machine.states.townAcceptance.meta.sla.calendarDays', /integer/],
  ['a timer beyond ten years', (d) => { d.machine.states.awaitingMaterials.meta.timer.workingDays = 100000; }, '$.machine.states.awaitingMaterials.meta.timer.workingDays', /3660/],
  ['a form rule of an unknown name', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notOnSunday', field: 'deliveredOn' }]; }, '$.forms.delivery.x-rules[0].rule', /unknown rule "notOnSunday"/],
  ['a form rule on a field the form does not have', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notFuture', field: 'handedOverOn' }]; }, '$.forms.delivery.x-rules[0].field', /"handedOverOn" is not in the form's properties/],
  ['a date rule on a field that is not a date', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notFuture', field: 'cardNumber' }]; }, '$.forms.delivery.x-rules[0].field', /"cardNumber" must have format "date"/],
  ['a date comparison with a field that is not a date', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notBefore', field: 'deliveredOn', other: 'cardNumber' }]; }, '$.forms.delivery.x-rules[0].other', /"cardNumber" to have format "date"/],
  ['a date comparison with no other field', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notAfter', field: 'deliveredOn' }]; }, '$.forms.delivery.x-rules[0]', /needs the other field/],
  ['a date comparison with a field the form does not have', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notAfter', field: 'deliveredOn', other: 'decisionDate' }]; }, '$.forms.delivery.x-rules[0].other', /"decisionDate" is not in the form's properties/],
  ['a birth date checked against a field that is not an ID number', (d) => {
    d.forms.application.properties.birthDate = { type: 'string', format: 'date', title: '出生日期' };
    d.forms.application['x-rules'] = [{ rule: 'birthDateMatchesId', field: 'birthDate', other: 'mobile' }];
  }, '$.forms.application.x-rules[0].other', /"mobile" to have format "cn-id-number"/],
  ['a form rule of the wrong shape', (d) => { d.forms.delivery['x-rules'] = [{ rule: 'notFuture', field: 'deliveredOn', when: 'always' }]; }, '$.forms.delivery', /invalid JSON Schema/],
  ['event named like an entry the service writes', (d) => { d.events.RECALL = { label: { zh: '撤回', en: 'Recall' } }; }, '$.events.RECALL', /service writes itself/],
];

for (const [name, edit, path, message] of cases) {
  t.test(`rejects: ${name}`, async (t) => {
    const f = findings(broken(edit));
    const hit = f.find((x) => x.path === path && message.test(x.message));
    t.ok(hit, `a finding at ${path} matching ${message}: got ${JSON.stringify(f)}`);
    t.ok(f.every((x) => x.file === 'workflows/preferential-card.json'), 'findings name the file');
  });
}
