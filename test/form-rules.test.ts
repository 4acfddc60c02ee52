import t from 'tap';
import { ruleErrors } from '../src/definitions/form-rules.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';

const TODAY = '2026-12-02';
const form = {
  type: 'object',
  properties: {
    enlistmentDate: { type: 'string', format: 'date', title: '入伍时间', 'x-title-en': 'Enlisted' },
    dischargeDate: { type: 'string', format: 'date', title: '退伍时间', 'x-title-en': 'Discharged' },
    newDeadline: { type: 'string', format: 'date', title: '延长后办结期限', 'x-title-en': 'New deadline' },
    childBirthDate: { type: 'string', format: 'date', title: '子女出生日期', 'x-title-en': 'Child\'s date of birth' },
    childIdNumber: { type: 'string', format: 'cn-id-number', title: '子女公民身份号码', 'x-title-en': 'Child\'s ID number' },
  },
  'x-rules': [
    { rule: 'notAfter', field: 'enlistmentDate', other: 'dischargeDate' },
    { rule: 'inFuture', field: 'newDeadline' },
    { rule: 'birthDateMatchesId', field: 'childBirthDate', other: 'childIdNumber' },
  ],
};
const childId = makeIdNumber('330102', '2020-03-08', 622);

t.test('each rule holds on good data', async (t) => {
  t.same(ruleErrors(form, { enlistmentDate: '2018-09-10', dischargeDate: '2020-09-01', newDeadline: '2026-12-03', childBirthDate: '2020-03-08', childIdNumber: childId }, TODAY, 'zh'), []);
  t.same(ruleErrors(form, { enlistmentDate: '2020-09-01', dischargeDate: '2020-09-01' }, TODAY, 'zh'), [], 'notAfter allows the same day');
});

t.test('each rule broken names its fields by their titles, in Chinese or English', async (t) => {
  const bad = { enlistmentDate: '2021-09-10', dischargeDate: '2020-09-01', newDeadline: TODAY, childBirthDate: '2020-03-09', childIdNumber: childId };
  t.same(ruleErrors(form, bad, TODAY, 'zh'), [
    { path: '/enlistmentDate', message: '「入伍时间」不能晚于「退伍时间」' },
    { path: '/newDeadline', message: '「延长后办结期限」应在今天（2026-12-02）之后' },
    { path: '/childBirthDate', message: '「子女出生日期」与「子女公民身份号码」中的出生日期（2020-03-08）不一致' },
  ]);
  t.same(ruleErrors(form, bad, TODAY, 'en').map((e) => e.message), [
    'Enlisted cannot be later than Discharged',
    'New deadline must be after today (2026-12-02)',
    'Child\'s date of birth does not match the birth date in Child\'s ID number (2020-03-08)',
  ]);
});

t.test('missing or malformed values are left to ajv: the rule is skipped', async (t) => {
  for (const data of [
    {},
    { enlistmentDate: '2021-09-10' },
    { enlistmentDate: '2021-09-10', dischargeDate: 20200901 },
    { enlistmentDate: '2021-13-10', dischargeDate: '2020-09-01' },
    { newDeadline: '2026-02-29' },
    { newDeadline: null },
    { childBirthDate: '2020-03-09', childIdNumber: childId.slice(0, 17) + (childId[17] === '0' ? '1' : '0') },
    { childBirthDate: ['2020-03-09'], childIdNumber: childId },
  ]) t.same(ruleErrors(form, data, TODAY, 'zh'), [], JSON.stringify(data));
});

t.test('a rule name the registry does not know is skipped (the linter refuses it before a definition is stored)', async (t) => {
  t.same(ruleErrors({ ...form, 'x-rules': [{ rule: 'notOnSunday', field: 'newDeadline' }] }, { newDeadline: '2026-12-06' }, TODAY, 'zh'), []);
});
