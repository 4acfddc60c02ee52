import t from 'tap';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDefinitionText, placeInText } from '../src/definitions/definition-text.ts';
import fieldUiSchema from '../src/definitions/field-ui.schema.json' with { type: 'json' };
import { findingIn } from '../src/definitions/finding.ts';
import { lintDefinition } from '../src/definitions/linter.ts';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { renderForm } from '../src/pages/form-render.ts';

const base = JSON.parse(readFileSync(new URL('../workflows/preferential-card.json', import.meta.url), 'utf8'));
const known = new Set(['preferential-card', 'veteran-profile']);

/** A copy of a real definition with one thing broken. */
function broken(edit: (d: any) => void): unknown {
  const d = structuredClone(base);
  edit(d);
  return d;
}

function findings(def: unknown) {
  return lintDefinition('workflows/preferential-card.json', def, known, undefined, 'en');
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
  t.match(list, [{
    file, path: '$.forms.application.properties.hardshipTypes.x-ui.labels',
    message: '表单「application」的字段「困难类型」（hardshipTypes）：选项「medical」没有中文标签，请在该字段的 x-ui.labels 中写明',
  }], 'a list of choices without the label of one value: the form, the field and the value named in Chinese');
  t.equal(list.length, 1, 'one finding');
  t.match(list[0]!.at, { kind: 'field', form: 'application', field: 'hardshipTypes', label: { zh: /「困难类型」字段$/ } }, 'placed at the field');

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

/** The base with one thing broken, linted in Chinese (the default). */
const inChinese = (edit: (d: any) => void) => lintDefinition('workflows/preferential-card.json', broken(edit), known);

t.test('findings are Chinese by default, English on request, each at the part of the item it names', async (t) => {
  const edit = (d: any) => { d.machine.states.delivery.on.DELIVER.target = 'nowhere'; };
  const zh = inChinese(edit).find((f) => f.path === '$.machine.states.delivery.on.DELIVER.target');
  t.match(zh, {
    code: 'LINT_STATE_UNKNOWN', message: '环节 "nowhere" 不存在', text: { zh: '环节 "nowhere" 不存在', en: 'state "nowhere" does not exist' },
    at: { pointer: '/machine/states/delivery/on/DELIVER/target', kind: 'move', step: 'delivery', event: 'DELIVER', label: { zh: '「镇站发放」环节的「发放优待证」操作', en: 'the "Hand over the card" move of step "Hand-over by the town station"' } },
  });
  const en = findings(broken(edit)).find((f) => f.code === 'LINT_STATE_UNKNOWN');
  t.equal(en?.message, 'state "nowhere" does not exist', 'an English run words it in English');
  t.same(findingIn('en', zh!).at.label, 'the "Hand over the card" move of step "Hand-over by the town station"', 'a stored finding is read in the reader\'s language');
  const schema = inChinese((d) => { d.machine.states.villagePrefill.meta.sla = { workingDays: 3661 }; });
  t.match(schema, [{ path: '$.machine.states.villagePrefill.meta.sla.workingDays', message: /^不符合定义格式：.*3660/, at: { kind: 'step', step: 'villagePrefill' } }], 'the definition schema\'s own findings in Chinese too (ajv-i18n)');
  const repealed = inChinese((d) => { d.legalBasis.push({ instrument: '退役士兵安置条例（2011）', article: '第五十三条' }); });
  t.match(repealed, [{ message: /已废止：请引用退役军人安置条例（2024）/, at: { kind: 'legalBasis' } }], 'an instrument\'s status in Chinese');
});

t.test('a notice whose template does not exist is a finding of the linter', async (t) => {
  const f = inChinese((d) => { d.notices.receipt.template = 'ghost'; });
  t.match(f, [{ code: 'LINT_NOTICE_NO_TEMPLATE', path: '$.notices.receipt.template', message: '文书 receipt：没有模板 templates/notices/ghost.hbs', at: { kind: 'notice', notice: 'receipt', label: { zh: '文书「材料接收回执」' } } }]);
  t.equal(f.length, 1, 'and nothing else');
  t.match(inChinese((d) => { d.notices.spare = { ...d.notices.receipt }; }), [{ code: 'LINT_NOTICE_NOT_ISSUED', path: '$.notices.spare' }], 'a notice no step issues');
});

t.test('x-ui hints are held to what the form pages draw', async (t) => {
  const field = '$.forms.delivery.properties.cardNumber';
  const unknownWidget = inChinese((d) => { d.forms.delivery.properties.cardNumber['x-ui'] = { widget: 'slider' }; });
  t.match(unknownWidget, [{ code: 'LINT_UI_UNKNOWN_WIDGET', path: `${field}.x-ui.widget`, message: /^字段「优待证编号」（cardNumber）：表单页面没有 "slider" 这种显示方式/, at: { kind: 'field', form: 'delivery', field: 'cardNumber' } }]);
  t.equal(unknownWidget.length, 1);
  t.match(inChinese((d) => { d.forms.delivery.properties.cardNumber['x-ui'] = { colour: 'red' }; }), [{ code: 'LINT_UI_UNKNOWN_OPTION', path: `${field}.x-ui.colour`, message: /「优待证编号」.*"colour"/ }], 'an unknown option, naming the field');
  t.match(inChinese((d) => { d.forms.delivery.properties.cardNumber['x-ui'] = { widget: 'checkboxes' }; }), [{ code: 'LINT_UI_WIDGET_MISFIT', message: /以 "checkboxes" 显示的须是多选字段/ }], 'a widget on a field it cannot draw');
  t.match(inChinese((d) => { d.forms.delivery.properties.cardNumber['x-ui'] = { carry: 'always' }; }), [{ code: 'LINT_UI_BAD_VALUE', path: `${field}.x-ui.carry` }], 'a known option with a value the pages do not know');
  t.match(inChinese((d) => { d.forms.delivery.properties.cardNumber['x-ui'] = { labels: { a: '甲' } }; }), [{ code: 'LINT_UI_LABELS_NO_CHOICES' }], 'labels on a field without choices');
  t.match(inChinese((d) => { d.forms.delivery['x-ui'] = { layout: 'two-columns' }; }), [{ code: 'LINT_UI_UNKNOWN_OPTION', path: '$.forms.delivery.x-ui.layout', at: { kind: 'form', form: 'delivery' } }], 'a form\'s own x-ui has its sections only');
});

t.test('every widget the x-ui schema allows is one the form renderer draws as such', async (t) => {
  const controls: Record<string, [object, RegExp]> = {
    select: [{ type: 'string', enum: ['a', 'b'] }, /<select/],
    radio: [{ type: 'string', enum: ['a', 'b'] }, /type="radio"/],
    checkboxes: [{ type: 'array', items: { enum: ['a', 'b'] } }, /type="checkbox"/],
    textarea: [{ type: 'string' }, /<textarea/],
    month: [{ type: 'string' }, /type="month"/],
    money: [{ type: 'integer', minimum: 0 }, /data-yuan/],
    'money-fen': [{ type: 'integer', minimum: 0 }, /data-yuan/],
  };
  t.same(Object.keys(controls).sort(), [...fieldUiSchema.properties.widget.enum].sort(), 'each widget of the schema is tried');
  for (const [widget, [shape, control]] of Object.entries(controls)) {
    const ui = widget === 'money' ? { widget, unit: 'fen' } : { widget };
    const schema = { type: 'object', properties: { x: { title: '字段', ...shape, 'x-ui': ui } } };
    t.match(renderForm(schema as any, {}, { lang: 'zh', errors: new Map(), choices: { materials: [] } }), control, `${widget} is drawn as such`);
  }
});

t.test('every adverse move names its remedy, told in Chinese at the move', async (t) => {
  const f = inChinese((d) => { delete d.machine.states.identityCheck.on.REFUSE.remedy; });
  t.match(f, [{ code: 'LINT_MISSING_REMEDY', message: /^不利决定须写明救济途径/, at: { kind: 'move', step: 'identityCheck', event: 'REFUSE', label: { zh: /^「[^」]+」环节的「[^」]+」操作$/ } } }]);
  const midway = inChinese((d) => {
    d.machine.states.identityCheck.on.APPROVE.actions = [{ type: 'setOutcome', params: { outcome: 'refused' } }];
  });
  t.match(midway, [{ code: 'LINT_MISSING_REMEDY', path: '$.machine.states.identityCheck.on.APPROVE.remedy' }], 'a move that records a refusing outcome on its way is adverse too');
});

t.test('a definition that is not JSON: the syntax error in Chinese at its line and column', async (t) => {
  const text = '{\n  "id": "preferential-card",\n  "title": { "zh": "优待证" "en": "Card" }\n}';
  const { body, findings: f } = parseDefinitionText('x.json', text, 'zh');
  t.equal(body, undefined);
  t.match(f, [{ code: 'LINT_JSON_SYNTAX', message: 'JSON 语法错误（第 3 行第 26 列）：此处应为逗号“,”（是否少了一个逗号？）', at: { kind: 'json', line: 3, column: 26, label: { zh: '第 3 行' } } }]);
  t.match(parseDefinitionText('x.json', text, 'en').findings, [{ message: 'JSON syntax error (line 3, column 26): a comma "," was expected (one missing?)' }], 'in English on request');
  t.match(parseDefinitionText('x.json', '{"a": 1,}', 'zh').findings, [{ message: /第 1 行第 9 列.*字段名/ }], 'a trailing comma');
  t.match(parseDefinitionText('x.json', '[1]', 'zh').findings, [{ code: 'LINT_JSON_NOT_OBJECT' }], 'a list is not a definition');
  t.match(parseDefinitionText('x.json', '', 'zh').findings, [{ code: 'LINT_JSON_SYNTAX' }], 'nothing at all');
  const pretty = JSON.stringify(broken((d) => { d.machine.states.delivery.on.DELIVER.target = 'nowhere'; }), null, 2);
  const placed = placeInText(inChinese((d) => { d.machine.states.delivery.on.DELIVER.target = 'nowhere'; }), pretty).find((x) => x.code === 'LINT_STATE_UNKNOWN')!;
  t.match(pretty.split('\n')[placed.at.line! - 1], /"target": "nowhere"/, 'a finding placed in a text is at the line of its value');
});

t.test('npm run lint:workflows: Chinese findings with file, line and place, exit 1; English with --lang en; exit 0 when clean', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lint-workflows.ts', ...args], { cwd: new URL('..', import.meta.url), encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' } });
  const def = broken((d) => { d.notices.receipt.template = 'ghost'; });
  writeFileSync(join(dir, 'preferential-card.json'), JSON.stringify(def, null, 2));
  writeFileSync(join(dir, 'veteran-profile.json'), '{ "id": "veteran-profile", }');
  const zh = cli(dir);
  t.equal(zh.status, 1, 'exit code 1');
  t.match(zh.stderr, /workflows\/preferential-card\.json:\d+:\d+: 文书「材料接收回执」: 文书 receipt：没有模板 templates\/notices\/ghost\.hbs/);
  t.match(zh.stderr, /workflows\/veteran-profile\.json:1:28: JSON 语法错误（第 1 行第 28 列）：此处应为用双引号括起的字段名/);
  t.match(zh.stdout, /工作流定义 1 个，问题 \d+ 个/);
  const en = cli('--lang', 'en', dir);
  t.equal(en.status, 1);
  t.match(en.stderr, /notice "Receipt for materials": notice receipt: no template templates\/notices\/ghost\.hbs/);
  t.match(en.stdout, /1 workflow definitions, \d+ problems/);
  const clean = cli();
  t.equal(clean.status, 0, 'the 22 items: exit 0');
  t.match(clean.stdout, '工作流定义 22 个，问题 0 个');
});
