import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import type { JsonSchema, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { fieldErrors, ajv } from '../src/definitions/ajv.ts';
import { lintDefinition } from '../src/definitions/linter.ts';
import { formatYuan, MAX_FEN, parseYuan, plainYuan } from '../src/money/yuan.ts';
import { parseForm } from '../src/pages/form-parse.ts';

t.test('amounts typed in yuan are read exactly into whole fen', async (t) => {
  const cases: [string, number][] = [
    ['1234.5', 123450], ['1,234.50', 123450], ['1234.56', 123456], ['0.01', 1], ['0', 0], ['0.1', 10], ['007.20', 720],
    [' 1 234.50 ', 123450], ['1234.50元', 123450], ['￥1,234.50', 123450], ['¥12', 1200],
    // Full-width digits and punctuation from a Chinese IME are accepted (NFKC).
    ['１２３', 12300], ['１，２３４．５', 123450],
    // Floating point would get these wrong: 0.29 * 100 = 28.999999999999996, 1.005 is refused below.
    ['0.29', 29], ['4.35', 435], ['999999999.99', 99_999_999_999], ['123456789.07', 12_345_678_907],
  ];
  for (const [typed, fen] of cases) t.same(parseYuan(typed), { ok: true, fen }, typed);
  t.equal(MAX_FEN, 99_999_999_999);
  t.ok(Number.isSafeInteger(MAX_FEN));
});

t.test('hostile and mistaken amounts are refused, each with why', async (t) => {
  const refused: [string, string][] = [
    ['1e999', 'format'], ['1e3', 'format'], ['NaN', 'format'], ['Infinity', 'format'], ['0x10', 'format'], ['1_000', 'format'],
    ['', 'format'], ['.5', 'format'], ['5.', 'format'], ['1.2.3', 'format'], ['一千', 'format'], ['12元5角', 'format'],
    ['1,23', 'format'], ['12,3456', 'format'], [',123', 'format'], ['+5', 'format'], ['5-', 'format'], ['1 2 3e4', 'format'],
    ['-0.001', 'negative'], ['-0', 'negative'], ['-5', 'negative'], ['－5', 'negative'], ['−5', 'negative'],
    ['1.005', 'decimals'], ['0.001', 'decimals'], ['1.000', 'decimals'],
    ['1000000000', 'too-large'], ['9'.repeat(400), 'too-large'], ['1,000,000,000.00', 'too-large'],
  ];
  for (const [typed, problem] of refused) t.same(parseYuan(typed), { ok: false, problem }, typed.slice(0, 20));
});

t.test('fen are shown as yuan with two decimals', async (t) => {
  t.equal(formatYuan(123450), '1,234.50');
  t.equal(formatYuan(5), '0.05');
  t.equal(formatYuan(0), '0.00');
  t.equal(formatYuan(99_999_999_999), '999,999,999.99');
  t.equal(formatYuan(-120), '-1.20');
  t.equal(plainYuan(123450), '1234.50', 'the form box shows back what parses back');
  for (const fen of [0, 1, 29, 435, 123450, 99_999_999_999]) {
    t.same(parseYuan(plainYuan(fen)), { ok: true, fen });
    t.same(parseYuan(formatYuan(fen)), { ok: true, fen });
  }
});

const amount: JsonSchema = {
  type: 'object', required: ['amountFen'],
  properties: { amountFen: { type: 'integer', title: '发放金额', minimum: 1, 'x-ui': { widget: 'money', unit: 'fen' } } },
};

t.test('a form names the field in every refusal, in Chinese', async (t) => {
  const read = (v: string) => parseForm(amount, (n) => (n === 'd.amountFen' ? [v] : []), 'zh');
  t.same(read('1,234.5').data, { amountFen: 123450 });
  const said = (v: string) => read(v).errors.get('/amountFen')?.[0];
  t.equal(said('1e999'), '「发放金额」请填写以“元”为单位的金额，如 1234.50');
  t.equal(said('-0.001'), '「发放金额」不能是负数');
  t.equal(said('12.345'), '「发放金额」最多两位小数（精确到分），如 1234.56');
  t.equal(said('1000000000'), '「发放金额」金额过大，最多 999,999,999.99 元');
  const bad = read('NaN');
  t.equal(bad.data.amountFen, 'NaN', 'the text is kept to show back');
  t.ok(bad.raw.has('/amountFen'), 'and left out of validation');
  // The limit in the definition is in fen, the message in yuan.
  const validate = ajv.compile(amount);
  validate({ amountFen: 0 });
  t.same(fieldErrors(validate.errors, 'zh'), [{ path: '/amountFen', message: '「发放金额」不能少于 0.01 元' }]);
});

t.test('the linter holds every amount to its declaration', async (t) => {
  const base = JSON.parse(readFileSync(new URL('../workflows/hardship-assistance.json', import.meta.url), 'utf8')) as WorkflowDefinition;
  const findings = (mutate: (d: WorkflowDefinition) => void) => {
    const d = structuredClone(base);
    mutate(d);
    return lintDefinition('x.json', d, undefined, undefined, 'en').map((f) => f.message).filter((m) => /amount|fen/i.test(m));
  };
  t.same(findings(() => {}), [], 'the definition as shipped is clean');
  const paid = (d: WorkflowDefinition) => d.forms.payment!.properties!.amountFen!;
  t.match(findings((d) => { paid(d).title = '实发金额（分）'; }), [/must not name the unit "分"/]);
  t.match(findings((d) => { paid(d).title = '实发金额（元）'; }), [/must not name the unit "元"/]);
  t.match(findings((d) => { paid(d).type = 'number'; }), [/must be "integer"/]);
  t.match(findings((d) => { delete paid(d).minimum; }), [/minimum of 0 or more/]);
  t.match(findings((d) => { delete paid(d)['x-ui']; }), [/field "amountFen" is named as an amount/]);
});

t.test('every amount of the 22 items is declared, and none is titled with a unit', async (t) => {
  const dir = new URL('../workflows/', import.meta.url);
  let amounts = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const raw = readFileSync(new URL(f, dir), 'utf8');
    amounts += (raw.match(/"widget": "money(-fen)?"/g) ?? []).length;
    t.notMatch(raw, /"title": "[^"]*（分[）/；，]/, `${f}: no title in 分`);
  }
  t.equal(amounts, 54, 'the 54 amounts of the definitions');
});
