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
  ['refusal without its basis', (d) => { d.forms.refusal.required = ['reasonCode', 'reason']; }, '$.machine.states.identityCheck.meta.events.REFUSE', /requires "legalBasis"/],
  ['refusal without a remedy', (d) => { delete d.machine.states.identityCheck.on.REFUSE.remedy; }, '$.machine.states.identityCheck.on.REFUSE.remedy', /must name its remedy/],
  ['an external body\'s refusal given the district\'s route', (d) => { d.machine.states.cityReview.on.RECORD_REFUSAL.remedy = { kind: 'administrative' }; }, '$.machine.states.cityReview.on.RECORD_REFUSAL.remedy', /that body's route/],
  ['the deciding body\'s route without its review body', (d) => { d.forms.externalRefusal.required = d.forms.externalRefusal.required.filter((f: string) => f !== 'reviewBody'); }, '$.machine.states.cityReview.on.RECORD_REFUSAL.remedy', /requires "reviewBody"/],
  ['an external route at a district step', (d) => { d.machine.states.identityCheck.on.REFUSE.remedy = { kind: 'external' }; }, '$.machine.states.identityCheck.on.REFUSE.remedy', /recorded at an external step/],
  ['a remedy where no notice is issued', (d) => { d.machine.states.identityCheck.on.APPROVE.remedy = { kind: 'administrative' }; }, '$.machine.states.identityCheck.on.APPROVE.remedy', /issues none/],
  ['review first without its source', (d) => { d.machine.states.identityCheck.on.REFUSE.remedy = { kind: 'administrative', reviewFirst: true }; }, '$.machine.states.identityCheck.on.REFUSE.remedy', /source/],
  ['a town step refusing in the bureau\'s name', (d) => {
    d.machine.states.townAcceptance.on.REFUSE = { target: 'refused' };
    d.machine.states.townAcceptance.meta.events.REFUSE = { form: 'refusal' };
  }, '$.machine.states.townAcceptance.on.REFUSE', /town step may not refuse.+district step that decides/],
  ['a village step issuing a decision notice on the way', (d) => {
    d.notices.stopNotice = { kind: 'decision', title: { zh: '中止告知书', en: 'Notice of suspension' }, template: 'refusal' };
    d.machine.states.villagePrefill.on.SUBMIT.actions.push({ type: 'issueNotice', params: { notice: 'stopNotice' } });
  }, '$.machine.states.villagePrefill.on.SUBMIT', /village step may not refuse/],
  ['a town step reaching a state that issues a refusal on arrival', (d) => { d.notices.completion.kind = 'refusal'; }, '$.machine.states.delivery.on.DELIVER', /town step may not refuse/],
  ['external step without document number', (d) => { d.forms.externalDecision.required = ['decisionBody', 'decisionDate']; }, '$.machine.states.cityReview.meta.events.RECORD_DECISION', /"documentNumber"/],
  ['final state without outcome', (d) => { delete d.machine.states.granted.meta.outcome; }, '$.machine.states.granted.meta.outcome', /outcome/],
  ['timer event not handled', (d) => { d.machine.states.awaitingMaterials.meta.timer.event = 'ESCALATE'; d.events.ESCALATE = { label: { zh: '升级', en: 'Escalate' } }; }, '$.machine.states.awaitingMaterials.meta.timer.event', /does not handle its timer event/],
  ['event declared but never used', (d) => { d.events.NEVER = { label: { zh: '从不', en: 'Never' } }; }, '$.events.NEVER', /never used/],
  ['an ID-number field named so it would be stored in clear', (d) => { d.forms.delivery.properties.collectorId = { type: 'string', title: '领取人证件号', format: 'cn-id-number' }; }, '$.forms.delivery.properties.collectorId', /encrypted at rest/],
  ['an SLA beyond ten years', (d) => { d.machine.states.villagePrefill.meta.sla = { workingDays: 3661 }; }, '$.machine.states.villagePrefill.meta.sla.workingDays', /3660/],
  ['a calendar-day SLA of 1e999 (Infinity once parsed)', (d) => { d.machine.states.townAcceptance.meta.sla = { calendarDays: Infinity }; }, '$.machine.states.townAcceptance.meta.sla.calendarDays', /integer/],
  ['a timer beyond ten years', (d) => { d.machine.states.awaitingMaterials.meta.timer.workingDays = 100000; }, '$.machine.states.awaitingMaterials.meta.timer.workingDays', /3660/],
  ['citation of a repealed instrument', (d) => { d.legalBasis.push({ instrument: '退役士兵安置条例（2011）', article: '第五十三条' }); }, '$.legalBasis[2].instrument', /repealed since 2024-09-01: cite 退役军人安置条例（2024）/],
  ['citation of the superseded text of a revised instrument', (d) => { d.legalBasis.push({ instrument: '军人抚恤优待条例（2019）', article: '第八条' }); }, '$.legalBasis[2].instrument', /superseded .*军人抚恤优待条例（2024）/],
  ['citation of an instrument the register does not know', (d) => { d.legalBasis[0].instrument = '退役军人优待条例'; }, '$.legalBasis[0].instrument', /"退役军人优待条例" is not in the instrument register/],
  // Lapses (issue #15 §3): what a timer may do when nobody acts.
  ['a 补正 lapse that closes an application without a notice', (d) => { delete d.machine.states.awaitingMaterials.on.DEADLINE.actions; }, '$.machine.states.awaitingMaterials.on.DEADLINE', /issues a notice of kind "decision" or "refusal"/],
  ['a lapse with no remedy', (d) => { delete d.machine.states.awaitingMaterials.on.DEADLINE.remedy; }, '$.machine.states.awaitingMaterials.on.DEADLINE.remedy', /name its remedy/],
  ['a lapse notice with no reason of its own', (d) => { delete d.notices['withdrawn-by-lapse'].reason; }, '$.notices.withdrawn-by-lapse', /needs its own "reason"/],
  ['a 补正 lapse that refuses instead of withdrawing', (d) => { d.machine.states.awaitingMaterials.on.DEADLINE.target = 'refused'; }, '$.machine.states.awaitingMaterials.on.DEADLINE', /as withdrawn/],
  ['a 补正 lapse that ends an ex-officio case', (d) => { d.initiation = 'ex-officio'; }, '$.machine.states.awaitingMaterials.on.DEADLINE', /duty is the state's/],
  ['a 补正 lapse back to an ordinary step, unflagged', (d) => { d.machine.states.awaitingMaterials.on.DEADLINE = { target: 'townAcceptance' }; }, '$.machine.states.awaitingMaterials.on.DEADLINE', /a step of its own/],
  ['a 补正 form with a free deadline', (d) => { d.forms.correction.properties.deadline = { type: 'string', format: 'date' }; }, '$.forms.correction.properties.deadline', /timer's date/],
  ['a 补正 that waits without a timer', (d) => { delete d.machine.states.awaitingMaterials.meta.timer; delete d.machine.states.awaitingMaterials.on.DEADLINE; }, '$.machine.states.townAcceptance.on.RETURN', /needs a timer/],
  ['a daysLate guard without a label', (d) => { d.machine.states.townAcceptance.on.ACCEPT.guard = { type: 'daysLate', params: { from: 'a', at: 'b', moreThan: 30 } }; }, '$.machine.states.townAcceptance.on.ACCEPT', /.+/],
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

t.test('every value of every choice field has a Chinese label, told in Chinese', async (t) => {
  const file = 'workflows/hardship-assistance.json';
  const hardship = JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
  const lint = (edit: (d: any) => void) => {
    const d = structuredClone(hardship);
    edit(d);
    return lintDefinition(file, d, new Set(['hardship-assistance'])).filter((f) => /中文标签/.test(f.message));
  };
  t.same(lint(() => {}), [], 'the item as it is has a label for every value');

  const list = lint((d) => { delete d.forms.application.properties.hardshipTypes['x-ui'].labels.medical; });
  t.same(list, [{
    file, path: '$.forms.application.properties.hardshipTypes.x-ui.labels',
    message: '表单「application」的字段「困难类型」（hardshipTypes）：选项「medical」没有中文标签，请在该字段的 x-ui.labels 中写明',
  }], 'a list of choices without the label of one value: the form, the field and the value named in Chinese');

  t.same(lint((d) => {
    const field = d.forms.application.properties.hardshipTypes;
    field.items['x-ui'] = field['x-ui'];
    delete field['x-ui'];
  }), [], 'labels on the list\'s items count as well');

  const english = lint((d) => { d.forms.application.properties.hardshipTypes['x-ui'].labels.housing = 'housing'; });
  t.match(english, [{ message: /选项「housing」没有中文标签/ }], 'an English word is not a Chinese label');

  const scalar = lint((d) => { delete d.forms.notEligible.properties.reasonCode['x-ui']; });
  t.ok(scalar.length >= 2, 'a single choice without labels: one finding per value');
  t.ok(scalar.every((f) => f.path === '$.forms.notEligible.properties.reasonCode.x-ui.labels' && /表单「notEligible」的字段「[^」]+」（reasonCode）/.test(f.message)), 'each names the form and field');

  const material = lint((d) => { d.materials.find((m: any) => m.id === 'id-card').title.zh = 'id card'; });
  t.ok(material.some((f) => f.path === '$.forms.application.properties.materials.x-ui.labels' && /选项「id-card」/.test(f.message)), 'a material list is labelled by the materials\' Chinese titles');
});
