import t from 'tap';
import { readFileSync } from 'node:fs';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { propertiesOf } from '../src/definitions/form-fields.ts';
import { SECTION_FIELD_LIMIT, sectionsOf } from '../src/definitions/form-sections.ts';
import { lintDefinition } from '../src/definitions/linter.ts';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { build, login } from './helpers/build.ts';
import { PageClient } from './helpers/pages.ts';
import { parseForm } from '../src/pages/form-parse.ts';
import { renderForm } from '../src/pages/form-render.ts';
import { sectionSchema } from '../src/pages/form-sections.ts';

// Run directly (node --import tsx …) tap's default is 30 s; the page walk takes longer on a busy machine.
t.setTimeout(300_000);

const { files } = readWorkflowFiles();
const definitions = files.map((f) => f.definition as WorkflowDefinition);

t.test('every form over the limit is in sections, every form at or under it on one page as before', async (t) => {
  let sectioned = 0;
  for (const def of definitions) {
    for (const [id, form] of Object.entries(def.forms)) {
      const fields = propertiesOf(form).map(([k]) => k);
      const sections = sectionsOf(form);
      if (fields.length > SECTION_FIELD_LIMIT) {
        t.ok(sections, `${def.id}.${id} (${fields.length} fields) has sections`);
        sectioned++;
        // Each field once, in some section; the linter says the same, this says it of the files as they are.
        t.same(sections!.flatMap((s) => s.fields).sort(), [...fields].sort(), `${def.id}.${id}: every field in exactly one section`);
        for (const s of sections!) t.match(s.title.zh, /\p{Script=Han}/u, `${def.id}.${id}: "${s.title.zh}" is Chinese`);
      } else {
        t.notOk(sections, `${def.id}.${id} (${fields.length} fields) stays one page`);
      }
    }
  }
  t.equal(sectioned, 19, 'the 19 forms of more than 10 fields');
});

const base = JSON.parse(readFileSync(new URL('../workflows/discharge-reporting.json', import.meta.url), 'utf8'));
const lint = (edit: (d: any) => void) => {
  const d = structuredClone(base);
  edit(d);
  return lintDefinition('workflows/discharge-reporting.json', d, new Set(definitions.map((x) => x.id)), undefined, 'en');
};
/** intake's ten fields in three sections, reportBy (asked by placementType) beside placementType. */
const good = () => [
  { title: { zh: '本人信息', en: 'Person' }, fields: ['name', 'idNumber', 'mobile'] },
  { title: { zh: '退役与报到', en: 'Discharge and reporting' }, fields: ['dischargeDate', 'reportDate', 'reportBy', 'soldierType', 'placementType', 'partyMember'] },
  { title: { zh: '材料', en: 'Materials' }, fields: ['materials'] },
];

t.test('the linter checks sections', async (t) => {
  t.same(lint((d) => { d.forms.intake['x-ui'] = { sections: good() }; }), [], 'well-formed sections pass (also on a short form)');
  const cases: [string, (s: any[]) => void, string, RegExp][] = [
    ['an English title', (s) => { s[0].title.zh = 'Person'; }, '$.forms.intake.x-ui.sections[0].title.zh', /section title must be Chinese/],
    ['a field the form does not have', (s) => { s[2].fields.push('shoeSize'); }, '$.forms.intake.x-ui.sections[2].fields[1]', /"shoeSize" is not in the form/],
    ['a field in two sections', (s) => { s[2].fields.push('mobile'); }, '$.forms.intake.x-ui.sections[2].fields[1]', /"mobile" is already in section 1/],
    ['a field in none', (s) => { s[0].fields.pop(); }, '$.forms.intake.x-ui.sections', /"mobile" is in no section/],
    ['a conditional field apart from the field that asks for it', (s) => { s[1].fields.splice(2, 1); s[2].fields.push('reportBy'); },
      '$.forms.intake.x-ui.sections[2]', /"reportBy" depends on the answer to "placementType"/],
    ['one section only (the definition schema)', (s) => { s.splice(1); }, '$.forms.intake.x-ui.sections', /must NOT have fewer than 2 items/],
    ['a section without fields (the definition schema)', (s) => { s[0].fields = []; }, '$.forms.intake.x-ui.sections/0/fields', /fewer than 1 items/],
  ];
  for (const [what, edit, path, text] of cases) {
    const found = lint((d) => { const s = good(); edit(s); d.forms.intake['x-ui'] = { sections: s }; });
    const hit = found.find((f) => f.path === path.replace('/0/fields', '[0].fields') && text.test(f.message));
    t.ok(hit, `${what}: ${JSON.stringify(found)}`);
  }
  const long = lint((d) => {
    for (const n of ['a', 'b', 'c']) d.forms.intake.properties[`note${n}`] = { type: 'string', title: `备注${n}` };
  });
  t.match(long, [{ path: '$.forms.intake', message: /has 13 fields \(more than 10\): list its sections/ }], 'a long form without sections is refused');
});

t.test('a condition works inside its section: shown for the answer that asks for it, read back, required only then', async (t) => {
  const [, second] = good();
  const schema = sectionSchema(base.forms.intake, second!);
  t.same(Object.keys(schema.properties!), second!.fields, 'the section\'s fields, in its order');
  const html = renderForm(schema, { placementType: 'assigned-job' }, { lang: 'zh', errors: new Map() });
  t.match(html, /id="f-reportBy-field" data-show-field="d.placementType"/, 'reportBy is shown by the page\'s script for the answers that ask for it');
  t.notMatch(html, 'name="d.name"', 'no field of another section');
  const posted = new Map([['d.placementType', ['assigned-job']], ['d.reportBy', ['2026-09-25']]]);
  t.same(parseForm(schema, (n) => posted.get(n) ?? [], 'zh').data, { placementType: 'assigned-job', reportBy: '2026-09-25' });
  t.ok(schema.allOf?.some((b) => b.then?.required?.includes('reportBy')), 'and the condition stays with it');
});

t.test('a long form through the pages, without JavaScript', { timeout: 300_000 }, async (t) => {
  const app = await build(t);
  const district = await login(app, 'district-clerk');
  const idNumber = makeIdNumber('330102', '2004-05-20', 335);
  const person = await app.inject({
    method: 'POST', url: '/api/v1/persons', headers: district,
    payload: { name: '周子涵', idNumber, phone: '13588012345', stationId: 'qiaotou', attributes: { category: 'serving', soldierType: 'conscript', enlistmentDate: '2026-09-10', postedToTibetOrXinjiang: false } },
  });
  t.equal(person.statusCode, 201);
  const clerk = new PageClient(app);
  await clerk.login('town-clerk');
  const started = await clerk.post(`/persons/${person.json().id}/cases`, { workflowId: 'student-soldier-incentive' });
  const caseId = String(started.headers.location).split('/').pop()!;
  const casePage = await clerk.follow(started);
  t.match(casePage.body, 'class="task-list"', 'the case page shows the task list, not 17 fields');
  t.notMatch(casePage.body, 'name="d.bankAccount"');
  const act = `/cases/${caseId}/act/SUBMIT`;
  const list = await clerk.get(act);
  t.equal(list.statusCode, 200);
  const status = (html: string, n: number) => new RegExp(`id="section-${n}-status">(?:<strong class="tag [a-z-]+">)?([^<]+)<`).exec(html)![1];
  t.match(list.body, `<a class="task-list-link" href="${act}/section/1" aria-describedby="section-1-status">本人信息</a>`, 'each section a link described by its status');
  t.equal(status(list.body, 1), '已完成', 'the person file answered the first section');
  t.equal(status(list.body, 5), '未开始');

  // The account section: a wrong card number stays on its page, with its own summary.
  const section5 = await clerk.get(`${act}/section/5`);
  t.match(section5.body, '<h1>收款账户');
  t.notMatch(section5.body, 'name="d.name"', 'only the section\'s fields');
  const v = /name="_version" value="(\d+)"/.exec(section5.body)![1]!;
  const bad = await clerk.postMultipart(`${act}/section/5`, { _version: v, _draft: '0', _action: 'continue', 'd.bankName': '中国工商银行新河支行', 'd.bankAccount': '1234', 'd.accountHolder': '周子涵' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /<div class="error-summary"[\s\S]*<a href="#f-bankAccount">[^<]*收款账号/, 'the section\'s error, linked on its page');
  t.notMatch(bad.body.slice(bad.body.indexOf('error-summary'), bad.body.indexOf('</ul>', bad.body.indexOf('error-summary'))), '学历', 'no errors of other sections there');
  t.match(bad.body, 'value="1234"', 'what was typed stays');
  const afterBad = await clerk.get(act);
  t.equal(status(afterBad.body, 5), '进行中', 'saved with a problem: in progress');

  // Not every section done: the way on is refused, naming what is left and linking into its page.
  const early = await clerk.post(`${act}/sections`, { _version: v });
  t.equal(early.statusCode, 422);
  t.match(early.body, `<a href="${act}/section/3">「学历与报名」尚未完成</a>`, 'a section not started, linked');
  t.match(early.body, new RegExp(`<a href="${act}/section/5#f-bankAccount">「收款账户」：[^<]*收款账号`), 'a problem of another section, linked to its field there');
  t.equal((await clerk.get(`${act}/check`)).headers.location, act, 'the check page sends an unfinished form back to its list');

  const ok = await clerk.postMultipart(`${act}/section/5`, { _version: v, _draft: '1', _action: 'continue', 'd.bankName': '中国工商银行新河支行', 'd.bankAccount': '6222021234567890128', 'd.accountHolder': '周子涵' });
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, act, 'back to the task list');
  t.equal(status((await clerk.get(act)).body, 5), '已完成');

  const next = async (n: number, fields: Record<string, string | string[]>) => {
    const page = await clerk.get(`${act}/section/${n}`);
    const d = /name="_draft" value="(\d+)"/.exec(page.body)![1]!;
    return clerk.postMultipart(`${act}/section/${n}`, { _version: v, _draft: d, _action: 'continue', ...fields });
  };
  t.equal((await next(3, { 'd.studentStatus': 'fresh-graduate', 'd.educationLevel': 'bachelor', 'd.schoolName': '浙江工业大学', 'd.registrationNumber': '202233120118' })).statusCode, 303);
  t.equal((await next(4, { 'd.byAgent': 'false' })).statusCode, 303);
  t.equal((await next(6, { _present: '1', 'd.materials': ['id-card', 'household-register', 'enlistment-notice', 'education-proof', 'political-check-form', 'bank-card'] })).statusCode, 303);
  const listed = await clerk.get(act);
  t.same([1, 2, 3, 4, 5, 6].map((n) => status(listed.body, n)), Array(6).fill('已完成'), 'every section done');
  t.match(listed.body, '已完成 6 节，共 6 节');

  const cont = await clerk.post(`${act}/sections`, { _version: v });
  t.equal(cont.headers.location, `${act}/check`);
  const check = await clerk.get(`${act}/check`);
  t.match(check.body, /<h2 class="h3">收款账户<\/h2><dl class="summary">[\s\S]*?6222/, 'answers read back by section');
  t.match(check.body, `href="${act}/section/5#f-bankAccount"`, 'each answer changed on its section\'s page');

  const sent = await clerk.post(`${act}/check`, {});
  t.equal(sent.statusCode, 303);
  t.match(String(sent.headers.location), new RegExp(`/cases/${caseId}\\?done=\\d+$`));
  const view = await app.inject({ url: `/api/v1/cases/${caseId}`, headers: district });
  t.equal(view.json().state, 'acceptance', 'the district has the case at its next step');
  t.equal(view.json().data.schoolName, '浙江工业大学', 'with every section\'s answers');
  t.equal(view.json().data.registrationNumber, '202233120118');
  t.notOk('$sections' in view.json().data, 'the page\'s own bookkeeping is not the step\'s data');
});
