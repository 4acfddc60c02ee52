import t from 'tap';
import { createAjv, fieldErrors } from '../src/definitions/ajv.ts';
import type { JsonSchema } from '../src/definitions/definition.types.ts';
import { build, login } from './helpers/build.ts';
import { errorSummary, PageClient } from './helpers/pages.ts';
import { cachedPaths, loadSamples, PathRunner } from './helpers/paths.ts';

/**
 * Messages in plain Chinese: the materials a step lacks, by name, with the way to the checklist;
 * validator errors as sentences with the field's title, in the API and on the page; the warning
 * about files only when a chosen file was refused; an opinion not pre-filled at another level.
 */

t.setTimeout(600_000);

const TEXT = '本人今年初确诊重病，手术及化疗自付费用高，家庭生活十分困难。';

t.test('every keyword the forms use is told as a sentence naming the field', async (t) => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      size: { type: 'integer', title: '家庭人口数', minimum: 1, maximum: 10 },
      share: { type: 'number', title: '分担比例', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      hours: { type: 'integer', title: '培训课时', multipleOf: 4 },
      name: { type: 'string', title: '姓名', minLength: 1, maxLength: 4 },
      statement: { type: 'string', title: '情况说明', minLength: 10 },
      kinds: { type: 'array', title: '困难类型', minItems: 1, maxItems: 2, uniqueItems: true, items: { enum: ['living', 'medical', 'education'] } },
      members: { type: 'array', title: '家庭成员', minItems: 1, maxItems: 1, items: { type: 'object', properties: { n: { type: 'string' } } } },
      code: { type: 'string', title: '统一社会信用代码', pattern: '^[0-9A-Z]{18}$' },
      mobile: { type: 'string', title: '手机号码', format: 'cn-mobile' },
      from: { type: 'string', title: '入伍时间', format: 'date', formatMinimum: '1954-11-01', formatExclusiveMaximum: '2011-11-01' },
      to: { type: 'string', title: '退役时间', format: 'date', formatMaximum: '2026-12-31', formatExclusiveMinimum: '2000-01-01' },
      grade: { type: 'string', title: '残疾等级', enum: ['1', '2'] },
      agreed: { type: 'boolean', title: '已告知本人', const: true },
      kind: { type: 'string', title: '类别', const: 'veteran' },
      party: { type: 'boolean', title: '是否党员' },
      not: { type: 'string', title: '备注', not: { const: '无' } },
    },
    required: ['size'],
  };
  const validate = createAjv().compile(schema);
  const told = (data: Record<string, unknown>, lang: 'zh' | 'en' = 'zh') => {
    validate(data);
    return fieldErrors(validate.errors, lang, schema).map((e) => `${e.path} ${e.message}`);
  };
  t.same(told({ size: 11, share: 1, hours: 6, name: '', statement: '太短', kinds: [], members: [], code: 'abc', mobile: '123' }), [
    '/size 「家庭人口数」不能超过 10',
    '/share 「分担比例」应小于 1',
    '/hours 「培训课时」应为 4 的整数倍',
    '/name 请填写「姓名」',
    '/statement 「情况说明」至少填写 10 个字',
    '/kinds 「困难类型」至少选择 1 项',
    '/members 「家庭成员」至少填写 1 项',
    '/code 「统一社会信用代码」的格式不正确',
    '/mobile 「手机号码」：手机号码应为以1开头的11位数字',
  ]);
  t.same(told({ size: 0, share: 0, name: '张三丰大侠', kinds: ['living', 'living', 'x'], members: [{}, {}] }), [
    '/size 「家庭人口数」不能小于 1',
    '/share 「分担比例」应大于 0',
    '/name 「姓名」不能超过 4 个字',
    '/kinds 「困难类型」最多选择 2 项',
    '/kinds/2 「困难类型」请从给出的选项中选择',
    '/kinds 「困难类型」中有重复的项',
    '/members 「家庭成员」最多填写 1 项',
  ]);
  t.same(told({ size: 1, from: '1950-01-01', to: '2027-01-01', grade: '9', agreed: false, kind: 'x', party: 'yes', not: '无' }), [
    '/from 「入伍时间」不能早于 1954-11-01',
    '/to 「退役时间」不能晚于 2026-12-31',
    '/grade 「残疾等级」请从给出的选项中选择',
    '/agreed 请确认并勾选「已告知本人」',
    '/kind 「类别」只能是“veteran”',
    '/party 「是否党员」请选择“是”或“否”',
    '/not 「备注」的填写不符合要求',
  ]);
  t.same(told({ size: 'x', from: '2011-11-01', to: '2000-01-01' }), [
    '/size 「家庭人口数」应填写整数',
    '/from 「入伍时间」应早于 2011-11-01',
    '/to 「退役时间」应晚于 2000-01-01',
  ]);
  t.same(told({}), ['/size 「家庭人口数」为必填项']);
  t.same(told({ size: 11, kinds: [] }, 'en'), ['/size 家庭人口数 cannot be more than 10', '/kinds Choose at least 1 for 困难类型']);
  for (const line of [...told({ size: 11, share: 1, hours: 6, name: '', kinds: ['x'], code: 'a', from: '1950-01-01', agreed: false, party: 1 })]) {
    t.notMatch(line, /应当|不应|must|should/, `no ajv wording: ${line}`);
  }
});

t.test('through the service and its pages', async (t) => {
  const app = await build(t);
  const runner = new PathRunner(app);

  await t.test('the materials a step lacks are named, in the API and on the page, with a link to the checklist', async (t) => {
    const clerk = await login(app, 'district-clerk');
    const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } });
    t.equal(opened.statusCode, 201);
    const { id, version } = opened.json();
    const data = {
      name: '张伟', idNumber: '330102200203151310', dischargeDate: '2026-09-05', reportDate: '2026-09-20', soldierType: 'conscript',
      placementType: 'self-employment', partyMember: false, materials: ['id-card'],
    };
    const api = await app.inject({ method: 'POST', url: `/api/v1/cases/${id}/events`, headers: clerk, payload: { type: 'SUBMIT', expectedVersion: version, data } });
    t.equal(api.statusCode, 422);
    t.equal(api.json().code, 'GUARD_FAILED');
    t.match(api.json().message, '材料不齐全，还缺：退出现役证、部队行政介绍信', 'the message names what is missing');
    t.same(api.json().missingMaterials.map((m: { id: string; title: { zh: string } }) => [m.id, m.title.zh]),
      [['discharge-certificate', '退出现役证'], ['unit-letter', '部队行政介绍信']], 'and lists it');

    const page = new PageClient(app);
    await page.login('district-clerk');
    await page.get(`/cases/${id}/act/SUBMIT`);
    const res = await page.postMultipart(`/cases/${id}/act/SUBMIT`, {
      _version: String(version), _draft: '0', _action: 'continue', 'd.name': data.name, 'd.idNumber': data.idNumber,
      'd.dischargeDate': data.dischargeDate, 'd.reportDate': data.reportDate, 'd.soldierType': 'conscript', 'd.placementType': 'self-employment',
      'd.partyMember': 'false', '_present.materials': '1', 'd.materials': 'id-card',
    });
    t.equal(res.statusCode, 422);
    t.match(errorSummary(res.body), '材料不齐全，还缺：退出现役证、部队行政介绍信', 'the summary names the missing materials');
    t.match(res.body, /<a href="#f-materials">材料不齐全，还缺：退出现役证、部队行政介绍信/, 'and links to the checklist');
    t.match(res.body, /<legend class="legend" id="f-materials">/, 'which is on the page');
  });

  const samples = loadSamples('hardship-assistance');
  const application = samples.forms.application as Record<string, unknown>;
  const personId = await runner.newPerson(samples);
  const opened = await runner.open('hardship-assistance', personId);
  const caseId: string = opened.view.id;
  const version: number = opened.view.version;

  await t.test('the API tells validator errors as sentences with the field\'s title', async (t) => {
    const villager = await runner.as('village-clerk');
    const data = { ...application, householdSize: 100, hardshipTypes: [], statement: '太短', name: '', mobile: '123' };
    const res = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: villager, payload: { type: 'SUBMIT', expectedVersion: version, data } });
    t.equal(res.statusCode, 422);
    const errors = res.json().errors as { path: string; message: string }[];
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    t.same(byPath, {
      '/name': '请填写「姓名」', '/mobile': '「手机号码」：手机号码应为以1开头的11位数字', '/hardshipTypes': '「困难类型」至少选择 1 项',
      '/statement': '「困难情况说明」至少填写 10 个字', '/householdSize': '「家庭人口」不能超过 20',
    });
    const choice = await app.inject({
      method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: villager,
      payload: { type: 'SUBMIT', expectedVersion: version, data: { ...application, hardshipTypes: ['medical', 'nope'], householdSize: 0 } },
    });
    t.same(choice.json().errors, [
      { path: '/hardshipTypes/1', message: '「困难类型」请从给出的选项中选择' }, { path: '/householdSize', message: '「家庭人口」不能小于 1' },
    ], 'a choice not offered is named by its list');
  });

  const villager = new PageClient(app);
  await villager.login('village-clerk');
  const form = await villager.get(`/cases/${caseId}/act/SUBMIT`);
  t.equal(form.statusCode, 200);

  await t.test('the page shows the same sentences beside the fields and in the summary', async (t) => {
    const res = await villager.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: '0', _action: 'continue', 'd.name': '钱国华', 'd.mobile': '123', 'd.statement': '太短',
      'd.householdSize': '100', '_present.hardshipTypes': '1', 'd.byAgent': 'false',
    });
    t.equal(res.statusCode, 422);
    const summary = errorSummary(res.body);
    for (const s of ['「家庭人口」不能超过 20', '「困难类型」至少选择 1 项', '「困难情况说明」至少填写 10 个字', '「手机号码」：手机号码应为以1开头的11位数字']) {
      t.match(summary, s, `summary: ${s}`);
    }
    t.notMatch(res.body, /应当|不应少于/, 'no validator jargon');
    // 困难救助's application is a long form: the whole form posted comes back as its task list, whose
    // summary sends each mistake to the field on its section's page (困难情况, the second).
    t.match(res.body, `href="/cases/${caseId}/act/SUBMIT/section/2#f-householdSize"`, 'the summary links to the field on its section');
    const section = await villager.postMultipart(`/cases/${caseId}/act/SUBMIT/section/2`, {
      _version: String(version), _draft: '1', _action: 'continue', 'd.statement': '太短', 'd.householdSize': '100', '_present.hardshipTypes': '1',
    });
    t.equal(section.statusCode, 422, 'the section saved with the same answers is shown again');
    const own = errorSummary(section.body);
    for (const s of ['「家庭人口」不能超过 20', '「困难类型」至少选择 1 项', '「困难情况说明」至少填写 10 个字']) t.match(own, s, `section summary: ${s}`);
    t.notMatch(own, '手机号码', 'not another section\'s mistake');
    t.match(section.body, /id="f-householdSize-error"[^>]*>[\s\S]{0,80}「家庭人口」不能超过 20/, 'and beside the field');
    t.notMatch(section.body, /应当|不应少于/, 'no validator jargon on the section either');
  });

  await t.test('"files not attached" only when a chosen file was refused', async (t) => {
    // The whole form and its section above saved the draft twice.
    const draft = (n: number) => String(n + 1);
    const noFile = await villager.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: draft(1), _action: 'save', 'd.name': '钱国华', 'd.householdSize': '三', 'd.statement': TEXT,
    });
    t.equal(noFile.statusCode, 422, 'a number written in words is a mistake of the form');
    t.notMatch(noFile.body, '有文件未能上传', 'no word of files when none was chosen');
    t.match(noFile.body, '草稿已保存。下列内容有误，请改正后再继续。');
    t.match(errorSummary(noFile.body), '家庭人口');

    const saved = await villager.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: draft(2), _action: 'save', 'd.name': '钱国华', 'd.statement': TEXT,
    });
    t.equal(saved.statusCode, 303, 'a draft with nothing wrong and no file is simply saved');
    t.notMatch((await villager.follow(saved)).body, '有文件未能上传');

    const badFile = await villager.postMultipart(`/cases/${caseId}/act/SUBMIT`, {
      _version: String(version), _draft: draft(3), _action: 'save', 'd.name': '钱国华', 'd.statement': TEXT,
    }, [{ field: 'file._other', filename: 'scan.pdf', type: 'application/pdf', bytes: Buffer.from('not a pdf at all') }]);
    t.equal(badFile.statusCode, 422);
    t.match(badFile.body, '草稿已保存，但有文件未能上传。', 'a refused file is told');
  });

  await t.test('the district\'s 审核意见 starts empty, not with the town\'s words', async (t) => {
    const { def, samples: mfr, paths } = cachedPaths('military-family-registration');
    const path = paths.find((p) => p.some((e) => e.from === 'districtCheck' && e.event === 'APPROVE'))!;
    const person = await runner.newPerson(mfr);
    let { view, actor } = await runner.open('military-family-registration', person);
    for (const e of path) {
      if (e.from === 'districtCheck') break;
      ({ view, actor } = await runner.take(def, view, e, actor));
    }
    t.equal(view.state, 'districtCheck', 'the case waits at the district');
    const townOpinion = String((mfr.forms.entry as Record<string, unknown>).opinion);
    t.equal(view.data.opinion, townOpinion, 'the town wrote its opinion');

    const district = new PageClient(app);
    await district.login('district-clerk');
    const review = await district.get(`/cases/${view.id}/act/APPROVE`);
    t.equal(review.statusCode, 200);
    t.notMatch(review.body, townOpinion, 'the town\'s words are not in the district\'s form');
    t.match(review.body, /<textarea[^>]*id="f-opinion"[^>]*><\/textarea>/, 'the opinion box is empty');
    const casePage = await district.get(`/cases/${view.id}`);
    t.notMatch(casePage.body.slice(casePage.body.indexOf('data-step-form')), new RegExp(`<textarea[^>]*>${townOpinion}`), 'nor the case page\'s form');
  });
});
