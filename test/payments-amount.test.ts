import t from 'tap';
import { DEMO_STANDARDS } from '../src/demo/demo-standards.ts';
import { addMonths, countedMonths, fenAt, isFenStandard, lineAmountFen, monthsBetween, mulDivHalfUp, percentOf, servedInPeriod, yuan } from '../src/payments/amount.ts';
import { lineOf, PAYMENT_RULES } from '../src/payments/payment.rules.ts';

// The catalogue's examples (shared/catalogue/items.md, E-d 义务兵家庭优待金): 惠来县 13,623 元/年 (2023)
// for two years, Tibet/Xinjiang postings at least 2×; 承德 Tibet/Xinjiang 150%; counted from the date
// enlistment was approved; part periods under 6 months count as 6; normally at most 2 years.
const HUILAI = 1_362_300; // fen per year
const Y2026 = { from: '2026-01-01', to: '2027-01-01' };

t.test('months', async (t) => {
  t.equal(addMonths('2026-01-31', 1), '2026-02-28', 'a day the month lacks is its last day');
  t.equal(addMonths('2024-09-10', 24), '2026-09-10');
  t.equal(monthsBetween('2026-01-01', '2027-01-01'), 12);
  t.equal(monthsBetween('2026-09-10', '2027-01-01'), 4, 'a started month counts whole (3 months 22 days)');
  t.equal(monthsBetween('2026-01-01', '2026-04-15'), 4);
  t.equal(monthsBetween('2026-01-01', '2026-04-01'), 3);
  t.equal(monthsBetween('2026-05-01', '2026-05-01'), 0);
  t.equal(countedMonths(0), 0, 'no service in the period, nothing');
  t.equal(countedMonths(1), 6, 'under 6 months counts as 6');
  t.equal(countedMonths(5), 6);
  t.equal(countedMonths(6), 6);
  t.equal(countedMonths(9), 9);
  t.equal(countedMonths(14), 12, 'a year at most');
});

t.test('the service window inside a year', async (t) => {
  t.equal(servedInPeriod({ start: '2025-09-10', months: 24 }, Y2026), 12, 'a whole year of service');
  t.equal(servedInPeriod({ start: '2026-03-01', months: 24 }, Y2026), 10, 'enlisted in March');
  t.equal(servedInPeriod({ start: '2024-09-10', months: 24 }, Y2026), 9, 'two years end on 2026-09-10 (8 months 9 days)');
  t.equal(servedInPeriod({ start: '2023-09-10', months: 24 }, Y2026), 0, 'served out before the year');
  t.equal(servedInPeriod({ start: '2025-09-10', months: 24, stoppedOn: '2026-04-15' }, Y2026), 4, 'stopped mid-April');
  t.equal(servedInPeriod({ start: '2027-03-01', months: 24 }, Y2026), 0, 'not yet enlisted');
  t.equal(servedInPeriod({ start: '2019-04-01' }, Y2026), 12, 'a pension has no end of its own');
  t.equal(servedInPeriod({ start: '2026-07-01' }, Y2026), 6, 'paid from the month approved');
  t.equal(servedInPeriod({ start: '2019-04-01', stoppedOn: '2026-05-01' }, Y2026), 4, 'stopped from May: January to April');
});

t.test('amounts: integer fen, half-up per line', async (t) => {
  t.equal(lineAmountFen(HUILAI, 100, 12), 1_362_300, '惠来县: 13,623 元 for a year');
  t.equal(lineAmountFen(HUILAI, 100, 24), 2_724_600, 'and twice that for the two years');
  t.equal(lineAmountFen(HUILAI, 200, 12), 2_724_600, 'Tibet or Xinjiang: 2×');
  t.equal(lineAmountFen(HUILAI, 100, countedMonths(4)), 681_150, 'four months in the year count as six');
  t.equal(lineAmountFen(HUILAI, 150, 7), 1_192_013, '承德 150% for 7 months: 1,192,012.5 fen rounds half up');
  t.equal(lineAmountFen(HUILAI, 100, 9), 1_021_725);
  t.equal(lineAmountFen(1_000_001, 100, 1), 83_333, '83,333.4 rounds down');
  t.equal(lineAmountFen(1_000_006, 100, 1), 83_334, '83,333.83 rounds up');
  t.equal(mulDivHalfUp(1, 1, 1, 2), 1, 'exactly half goes up');
  t.equal(mulDivHalfUp(1, 1, 1, 3), 0);
  t.throws(() => lineAmountFen(1.5, 100, 1), 'fen are integers');
  t.equal(lineAmountFen(2 ** 40, 300, 24), Number((2n ** 40n * 300n * 24n * 2n + 1200n) / 2400n), 'no floating point on large standards');
  t.equal(percentOf(2), 200);
  t.equal(percentOf(1.5), 150);
  t.equal(percentOf({ percent: 150 }), 150);
  t.equal(percentOf(150), 150);
  t.equal(percentOf('x'), null);
  t.equal(yuan(1_192_013), '11920.13');
  t.equal(yuan(5), '0.05');
});

t.test('standards as tables', async (t) => {
  const table = { war: { 1: 13_584_000 }, duty: { 10: 1_232_400 } };
  t.equal(fenAt(6_000), 6_000);
  t.equal(fenAt(table, 'war', 1), 13_584_000);
  t.equal(fenAt(table, 'duty', '10'), 1_232_400, 'grades as numbers or strings');
  t.equal(fenAt(table, 'illness', 7), null, 'no entry');
  t.equal(fenAt(table, 'war'), null, 'a row is not an amount');
  t.equal(fenAt({ a: 1.5 }, 'a'), null, 'fen are integers');
  t.ok(isFenStandard(table));
  t.ok(isFenStandard(1_362_300));
  t.notOk(isFenStandard({ war: { 1: '135840' } }), 'a mistyped cell spoils the table');
  t.notOk(isFenStandard({}));
  t.notOk(isFenStandard(2.5));
});

// The recurring items' rules over the demo district's seeded standards (src/demo/demo-standards.ts);
// every expected amount is worked out by hand from the catalogue's figures.
const seeded = (key: string) => DEMO_STANDARDS.find((s) => s.key === key)?.value;
const P2026 = { year: '2026', ...Y2026 };
const rule = (id: string) => PAYMENT_RULES.get(id)!;
const account = { bankName: '中国农业银行新河支行', bankAccount: '6228481234567890128' };

t.test('the seeded tables carry the catalogue\'s figures', async (t) => {
  const dis = seeded('disability-pension-annual');
  // items.md D-k: Sichuan from 2025-08-01, 一级 因战 135,840 / 因公 127,884 / 因病 120,240 元/年; 十级 因公 12,324 元/年.
  t.equal(fenAt(dis, 'war', 1), 13_584_000);
  t.equal(fenAt(dis, 'duty', 1), 12_788_400);
  t.equal(fenAt(dis, 'illness', 1), 12_024_000);
  t.equal(fenAt(dis, 'duty', 10), 1_232_400);
  t.equal(fenAt(dis, 'illness', 7), null, '因病 grades 7–10 get no pension (条例第二十七条)');
  t.equal(seeded('rural-veteran-elderly-subsidy-monthly'), 6_000, '60 元 a month per year of service (720 元/年)');
  t.same(seeded('death-pension-survivors-annual'), { martyr: 4_200_000, duty: 3_600_000, illness: 3_360_000 });
  for (const s of DEMO_STANDARDS) t.ok(isFenStandard(s.value), `${s.key} is usable`);
});

t.test('残疾抚恤金: by nature and grade, from the month approved, up to the first month not paid', async (t) => {
  const r = rule('disability-pension');
  const setup = { nature: 'duty', grade: 8, startMonth: '2026-07', accountHolder: '何建平', ...account };
  t.match(lineOf(r, setup, seeded, P2026, null), { months: 6, multiplierPercent: 100, annualFen: 1_918_800, amountFen: 959_400, payee: { name: '何建平' } },
    '因公八级 1,599 元 a month from July: 6 × 1,599 = 9,594 元');
  t.match(lineOf(r, { ...setup, nature: 'war', grade: 1, startMonth: '2024-03' }, seeded, P2026, null), { months: 12, annualFen: 13_584_000, amountFen: 13_584_000 }, '因战一级 for the whole year');
  const stoppedOn = r.stoppedOn({ reasonCode: 'imprisonment', effectiveMonth: '2026-05' });
  t.equal(stoppedOn, '2026-05-01');
  t.match(lineOf(r, { ...setup, grade: 3, startMonth: '2025-01' }, seeded, P2026, stoppedOn), { months: 4, annualFen: 10_231_200, amountFen: 3_410_400 }, '因公三级, not paid from May: 4 × 8,526 元');
  t.match(lineOf(r, { ...setup, nature: 'illness', grade: 7 }, seeded, P2026, null), { skip: /七级至十级不享受/ }, '因病七级: nothing, and why');
  t.match(lineOf(r, { ...setup, grade: undefined }, seeded, P2026, null), { skip: '标准表中没有因公？级的金额' }, 'no grade in the case');
  t.match(lineOf(r, { ...setup, startMonth: '2027-01' }, seeded, P2026, null), { skip: '2026年度内无应发月份' }, 'a transfer paid from next January');
  t.match(lineOf(r, { ...setup, bankAccount: '' }, seeded, P2026, null), { skip: /缺少领取人/ });
  t.match(lineOf(r, setup, () => ({ duty: { 8: 1_000_006 } }), P2026, null), { months: 6, amountFen: 500_003 }, 'half of an even table entry');
  t.match(lineOf(r, { ...setup, startMonth: '2026-12' }, () => ({ duty: { 8: 1_000_006 } }), P2026, null), { months: 1, amountFen: 83_334 }, '83,333.83 fen rounds up on the line');
});

t.test('定期抚恤金: per survivor by the nature of the death', async (t) => {
  const r = rule('death-pension-survivors');
  const claim = { deathType: 'martyr', startMonth: '2026-11', claimantName: '刘国平', ...account };
  t.match(lineOf(r, claim, seeded, P2026, null), { months: 2, annualFen: 4_200_000, amountFen: 700_000, payee: { name: '刘国平' } }, '烈士遗属 from November: 2 × 3,500 元');
  t.match(lineOf(r, { ...claim, deathType: 'duty', startMonth: '2025-03' }, seeded, P2026, null), { months: 12, amountFen: 3_600_000 }, '因公牺牲军人遗属, a whole year');
  t.match(lineOf(r, { ...claim, deathType: 'illness', startMonth: '2025-03' }, seeded, P2026, r.stoppedOn({ stoppedOn: '2026-03-15' })), { months: 3, amountFen: 840_000 },
    '病故军人遗属 suspended on 15 March: the month it began in counts, 3 × 2,800 元');
  t.match(lineOf(r, { ...claim, startMonth: '2026-08' }, () => ({ martyr: 4_131_400 }), P2026, null), { months: 5, amountFen: 1_721_417 }, '41,314 元 × 5/12 = 17,214.166… 元 rounds to the fen');
  t.match(lineOf(r, { ...claim, deathType: undefined }, seeded, P2026, null), { skip: /未登记死亡性质/ });
  t.same(r.eventData({ period: '2026', months: 2, amountFen: 700_000, start: '2026-11-01', periodFrom: '2026-01-01' }, { number: 'DPS-2026-001', paidOn: '2026-12-20' }),
    { period: '2026', batchNumber: 'DPS-2026-001', monthsCounted: 2, amountFen: 700_000, paidOn: '2026-12-20' }, 'the RECORD_PAYMENT form of version 2');
});

t.test('农村籍退役士兵老年生活补助: a monthly standard per year of compulsory service', async (t) => {
  const r = rule('rural-veteran-elderly-subsidy');
  const approved = { compulsoryServiceYears: 3, startMonth: '2026-06', name: '周德福', ...account };
  t.match(lineOf(r, approved, seeded, P2026, null), { months: 7, multiplierPercent: 300, annualFen: 72_000, amountFen: 126_000, payee: { name: '周德福' } }, '3 years × 60 元 × 7 months = 1,260 元');
  t.match(lineOf(r, { ...approved, compulsoryServiceYears: 1, startMonth: '2019-04' }, seeded, P2026, null), { months: 12, amountFen: 72_000 }, '1 year of service, the whole year: 720 元');
  t.match(lineOf(r, { ...approved, compulsoryServiceYears: 2, startMonth: '2025-01' }, seeded, P2026, r.stoppedOn({ effectiveMonth: '2026-03' })), { months: 2, amountFen: 24_000 },
    'stopped from March: 2 years × 60 元 × 2 months');
  t.match(lineOf(r, { ...approved, compulsoryServiceYears: 5 }, () => 5_833, P2026, null), { months: 7, amountFen: 204_155 }, '5 × 58.33 元 × 7 = 2,041.55 元, exact in fen');
  t.match(lineOf(r, { ...approved, compulsoryServiceYears: undefined }, seeded, P2026, null), { skip: /服役年限/ });
  t.match(lineOf(r, { ...approved, startMonth: undefined }, seeded, P2026, null), { skip: '案件中没有起算日期' });
});

t.test('义务兵家庭优待金 through the same line function', async (t) => {
  const r = rule('conscript-family-allowance');
  const standards = (key: string) => ({ 'conscript-family-allowance-annual': HUILAI, 'tibet-xinjiang-multiplier': 2, 'college-student-multiplier': 1.5 } as Record<string, unknown>)[key];
  const d = { startDate: '2026-06-01', collegeStudent: true, postedToTibetOrXinjiang: false, accountHolder: '张建国', ...account };
  t.match(lineOf(r, d, standards, P2026, null), { months: 7, multiplierPercent: 150, annualFen: HUILAI, amountFen: 1_192_013 }, '1,192,012.5 fen rounds half up');
  t.match(lineOf(r, { ...d, postedToTibetOrXinjiang: true, startDate: '2026-10-15' }, standards, P2026, null), { months: 6, multiplierPercent: 200, amountFen: 1_362_300 }, 'the larger multiplier; under 6 months counts as 6');
  t.match(lineOf(r, { ...d, collegeStudent: false }, (k) => (k === 'conscript-family-allowance-annual' ? HUILAI : undefined), P2026, null), { multiplierPercent: 100 }, 'no multiplier in force, none applied');
});

t.test('yearly confirmation in each item\'s own forms', async (t) => {
  t.same(rule('conscript-family-allowance').confirmation.stop(2026, '2026-12-31'), { stopReason: 'status-unclear', reason: '未在2026年度确认期内完成年度确认，暂停发放待核实', stoppedOn: '2026-12-31' });
  t.match(rule('death-pension-survivors').confirmation, { yearField: 'year' });
  t.match(rule('disability-pension').confirmation.stop(2026, '2026-12-31'), { reasonCode: 'annual-confirmation-missed', effectiveMonth: '2027-01', legalBasis: /第八条/ }, 'not paid from the next month');
  t.match(rule('rural-veteran-elderly-subsidy').confirmation.stop(2027, '2027-01-31'), { reasonCode: 'annual-confirmation-missed', effectiveMonth: '2027-02' });
});
