import t from 'tap';
import { DEMO_STANDARDS } from '../src/demo/demo-standards.ts';
import { addMonths, countedMonths, fenAt, isFenStandard, monthsInPeriod, percentOf, segmentsAmountFen, withheld, yuan, type ServiceWindow } from '../src/payments/amount.ts';
import { lineOf, PAYMENT_RULES, stopsOf } from '../src/payments/payment.rules.ts';

// The catalogue's examples (shared/catalogue/items.md, E-d 义务兵家庭优待金): 惠来县 13,623 元/年 (2023)
// for two years, Tibet/Xinjiang postings at least 2×; 承德 Tibet/Xinjiang 150%; counted from the date
// enlistment was approved; part periods under 6 months count as 6; normally at most 2 years.
const HUILAI = 1_362_300; // fen per year
const Y2026 = { from: '2026-01-01', to: '2027-01-01' };
const year = (y: number) => ({ from: `${y}-01-01`, to: `${y + 1}-01-01` });
/** Months of service in a period, before counting part periods as six. */
const servedInPeriod = (w: ServiceWindow, period: { from: string; to: string }) => monthsInPeriod(w, period).length;
/** One line at one rate: the annual standard × percent × months / 12, half-up to the fen. */
const lineAmountFen = (annualFen: number, percent: number, months: number) =>
  segmentsAmountFen([{ months, annualFen, percent }], months);

t.test('months', async (t) => {
  t.equal(addMonths('2026-01-31', 1), '2026-02-28', 'a day the month lacks is its last day');
  t.equal(addMonths('2024-09-10', 24), '2026-09-10');
  t.equal(servedInPeriod({ start: '2026-01-01' }, Y2026), 12);
  t.equal(servedInPeriod({ start: '2026-09-10' }, Y2026), 4, 'the months starting in the year (3 months 22 days, and the one that runs into January)');
  t.equal(servedInPeriod({ start: '2026-01-01', stoppedOn: '2026-04-15' }, Y2026), 4, 'a started month counts whole');
  t.equal(servedInPeriod({ start: '2026-01-01', stoppedOn: '2026-04-01' }, Y2026), 3);
  t.equal(servedInPeriod({ start: '2026-05-01', stoppedOn: '2026-05-01' }, Y2026), 0);
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
  t.equal(servedInPeriod({ start: '2024-09-10', months: 24 }, Y2026), 8, 'two years end on 2026-09-10: 8 months from 10 January (1–9 January belong to the month from 10 December)');
  t.equal(servedInPeriod({ start: '2023-09-10', months: 24 }, Y2026), 0, 'served out before the year');
  t.equal(servedInPeriod({ start: '2025-09-10', months: 24, stoppedOn: '2026-04-15' }, Y2026), 4, 'stopped mid-April');
  t.equal(servedInPeriod({ start: '2027-03-01', months: 24 }, Y2026), 0, 'not yet enlisted');
  t.equal(servedInPeriod({ start: '2019-04-01' }, Y2026), 12, 'a pension has no end of its own');
  t.equal(servedInPeriod({ start: '2026-07-01' }, Y2026), 6, 'paid from the month approved');
  t.equal(servedInPeriod({ start: '2019-04-01', stoppedOn: '2026-05-01' }, Y2026), 4, 'stopped from May: January to April');
});

t.test('two years of service over three calendar years: 24 months in all, each month in the year it starts', async (t) => {
  const w = { start: '2025-09-10', months: 24 };
  t.equal(servedInPeriod(w, year(2025)), 4, '2025: from 09-10, 10-10, 11-10, 12-10');
  t.equal(servedInPeriod(w, year(2026)), 12, '2026: from 01-10 to 12-10');
  t.equal(servedInPeriod(w, year(2027)), 8, '2027: from 01-10 to 08-10, the last ending 2027-09-10');
  t.equal(servedInPeriod(w, year(2028)), 0);
  t.equal(servedInPeriod(w, year(2025)) + servedInPeriod(w, year(2026)) + servedInPeriod(w, year(2027)), 24, 'not 25: the month from 12-10 is counted once');
  t.same(monthsInPeriod(w, year(2025)).at(-1), { from: '2025-12-10', to: '2026-01-10' }, 'the month straddling the year end belongs to 2025');
  t.same(monthsInPeriod(w, year(2026))[0], { from: '2026-01-10', to: '2026-02-10' });
  t.same(monthsInPeriod(w, year(2027)).at(-1), { from: '2027-08-10', to: '2027-09-10' });
  t.same([countedMonths(4), countedMonths(12), countedMonths(8)], [6, 12, 8], 'then 不满6个月按6个月计 for the first year only');
  const end = { start: '2025-01-31', months: 24 };
  t.same([2025, 2026, 2027].map((y) => servedInPeriod(end, year(y))), [12, 12, 0], 'from 31 January: months from 02-28, 03-31, …; two whole years');
  const stopped = { ...w, stoppedOn: '2026-04-15' };
  t.same([2025, 2026, 2027].map((y) => servedInPeriod(stopped, year(y))), [4, 4, 0], 'stopped on 2026-04-15: the month from 04-10 was begun');
  t.same(monthsInPeriod(stopped, year(2026)).at(-1), { from: '2026-04-10', to: '2026-04-15' });
  const r = PAYMENT_RULES.get('conscript-family-allowance')!;
  const d = { startDate: '2025-09-10', collegeStudent: false, postedToTibetOrXinjiang: false, accountHolder: '张建国', bankName: '中国农业银行新河支行', bankAccount: '6228481234567890128' };
  const lines = [2025, 2026, 2027].map((y) => lineOf(r, d, () => HUILAI, { year: String(y), ...year(y) }, null));
  t.match(
    lines,
    [{ months: 6, amountFen: 681_150 }, { months: 12, amountFen: 1_362_300 }, { months: 8, amountFen: 908_200 }],
    'lines of 6 (4 served), 12 and 8 months: 13,623 元 × 6/12, × 12/12, × 8/12',
  );
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
  t.equal(lineAmountFen(600, 1, 1), 1, 'exactly half a fen goes up');
  t.equal(lineAmountFen(400, 1, 1), 0, 'a third of a fen goes down');
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

/** Dated standards: for each key its values oldest first, [effective from, value]; the one in force on a day. */
const dated = (values: Record<string, [string, unknown][]>) => (key: string, day: string) =>
  values[key]?.filter(([from]) => from <= day).at(-1)?.[1];
const DIS_2026 = seeded('disability-pension-annual') as { duty: Record<string, number> };
// 因公八级 raised from 1,599 to 1,679 元 a month (1,918,800 → 2,014,800 fen a year) on 1 July.
const DIS_RAISED = { ...DIS_2026, duty: { ...DIS_2026.duty, 8: 2_014_800 } };

t.test('months one by one, and which a resumed stop leaves unpaid', async (t) => {
  t.same(monthsInPeriod({ start: '2026-09-10' }, Y2026), [
    { from: '2026-09-10', to: '2026-10-10' }, { from: '2026-10-10', to: '2026-11-10' }, { from: '2026-11-10', to: '2026-12-10' }, { from: '2026-12-10', to: '2027-01-10' },
  ], 'counted from the day enlistment was approved; the last runs into January');
  t.same(monthsInPeriod({ start: '2026-09-10', stoppedOn: '2026-11-20' }, Y2026).at(-1), { from: '2026-11-10', to: '2026-11-20' }, 'a started month, cut at the stop');
  t.same(monthsInPeriod({ start: '2026-05-01', stoppedOn: '2026-05-01' }, Y2026), []);
  const gap = [{ from: '2026-04-15', to: '2026-09-10' }];
  t.notOk(withheld({ from: '2026-04-01', to: '2026-05-01' }, gap), 'the month the stop took effect in was begun: paid');
  t.ok(withheld({ from: '2026-05-01', to: '2026-06-01' }, gap));
  t.ok(withheld({ from: '2026-08-01', to: '2026-09-01' }, gap));
  t.notOk(withheld({ from: '2026-09-01', to: '2026-10-01' }, gap), 'the month payment resumed in is paid (from the month approved)');
  t.equal(
    segmentsAmountFen([
      { months: 6, annualFen: 1_000_001, percent: 100 }, { months: 6, annualFen: 1_100_001, percent: 100 },
    ], 12),
    1_050_001,
    '500,000.5 + 550,000.5 fen: one rounding for the line (each part rounded would make 1,050,002)',
  );
  t.equal(segmentsAmountFen([{ months: 2, annualFen: HUILAI, percent: 100 }], 4), 454_100, 'four months counted over two paid: 13,623 元 × 4/12');
  t.equal(segmentsAmountFen([], 6), 0, 'nothing paid, nothing due');
  t.throws(() => segmentsAmountFen([{ months: 1, annualFen: 1.5, percent: 100 }], 1), 'fen are integers');
});

t.test('a stop resumed during the year: the months wholly inside it are not paid', async (t) => {
  const dis = rule('disability-pension');
  const stops = stopsOf(dis, [{ type: 'STOP', data: { reasonCode: 'imprisonment', effectiveMonth: '2026-04' } }, { type: 'RESUME', data: { resumeMonth: '2026-09', reason: '刑满释放' } }]);
  t.same(stops, { stoppedOn: null, gaps: [{ from: '2026-04-01', to: '2026-09-01' }] }, 'the stop form names the first month not paid, the resume form the first paid again');
  const setup = { nature: 'duty', grade: 3, startMonth: '2025-01', accountHolder: '何建平', ...account };
  t.same(lineOf(dis, setup, seeded, P2026, stops.stoppedOn, stops.gaps), {
    months: 7, multiplierPercent: 100, annualFen: 10_231_200, amountFen: 5_968_200, payee: { name: '何建平', ...account },
    segments: [
      { from: '2026-01-01', to: '2026-04-01', months: 3, annualFen: 10_231_200, percent: 100 },
      { from: '2026-09-01', to: '2027-01-01', months: 4, annualFen: 10_231_200, percent: 100 },
    ],
  }, '因公三级 stopped April to August: 7 × 8,526 = 59,682 元');

  const dps = rule('death-pension-survivors');
  const survivor = { deathType: 'illness', startMonth: '2025-03', claimantName: '刘国平', ...account };
  const byDate = stopsOf(dps, [{ type: 'STOP', data: { stopReason: 'imprisonment', stoppedOn: '2026-04-15' } }, { type: 'RESUME', data: { resumedOn: '2026-09-10', note: '刑满释放' } }]);
  t.same(byDate.gaps, [{ from: '2026-04-15', to: '2026-09-10' }]);
  t.match(lineOf(dps, survivor, seeded, P2026, byDate.stoppedOn, byDate.gaps), { months: 8, amountFen: 2_240_000 },
    '病故军人遗属 stopped on 15 April, resumed on 10 September: April and September paid, May to August not: 8 × 2,800 元');
  t.match(lineOf(dps, survivor, seeded, P2026, null, [{ from: '2026-06-03', to: '2026-06-25' }]), { months: 12, amountFen: 3_360_000 }, 'stopped and resumed within one month: nothing withheld');

  const rve = rule('rural-veteran-elderly-subsidy');
  const elder = { compulsoryServiceYears: 2, startMonth: '2024-05', name: '周德福', ...account };
  const lastYear = stopsOf(rve, [{ type: 'STOP', data: { effectiveMonth: '2025-11' } }, { type: 'RESUME', data: { resumeMonth: '2026-03' } }]);
  t.match(lineOf(rve, elder, seeded, P2026, lastYear.stoppedOn, lastYear.gaps), { months: 10, amountFen: 120_000 }, 'stopped last November, resumed in March: 2 years × 60 元 × 10 months');
  const twice = stopsOf(rve, [{ type: 'STOP', data: { effectiveMonth: '2026-02' } }, { type: 'RESUME', data: { resumeMonth: '2026-05' } }, { type: 'STOP', data: { effectiveMonth: '2026-10' } }]);
  t.same(twice, { stoppedOn: '2026-10-01', gaps: [{ from: '2026-02-01', to: '2026-05-01' }] }, 'stopped again: the last stop is still in force');
  t.match(lineOf(rve, { ...elder, compulsoryServiceYears: 1 }, seeded, P2026, twice.stoppedOn, twice.gaps), { months: 6, amountFen: 36_000 }, 'January, then May to September: 6 × 60 元');
});

t.test('a standard changed during the year: each month at the standard in force on its first day, one rounding per line', async (t) => {
  const dis = rule('disability-pension');
  const raised = dated({ 'disability-pension-annual': [['2026-01-01', DIS_2026], ['2026-07-01', DIS_RAISED]] });
  const setup = { nature: 'duty', grade: 8, startMonth: '2025-01', accountHolder: '何建平', ...account };
  t.match(lineOf(dis, setup, raised, P2026, null), {
    months: 12, annualFen: 2_014_800, amountFen: 1_966_800,
    segments: [{ from: '2026-01-01', to: '2026-07-01', months: 6, annualFen: 1_918_800 }, { from: '2026-07-01', to: '2027-01-01', months: 6, annualFen: 2_014_800 }],
  }, '因公八级 raised on 1 July: 6 × 1,599 + 6 × 1,679 = 19,668 元; the line shows the rate now paid');
  const midMonth = dated({ 'disability-pension-annual': [['2026-01-01', DIS_2026], ['2026-07-15', DIS_RAISED]] });
  t.match(lineOf(dis, setup, midMonth, P2026, null), { months: 12, amountFen: 1_958_800 }, 'in force from 15 July: from August, 7 × 1,599 + 5 × 1,679 = 19,588 元');
  t.match(lineOf(dis, { ...setup, nature: 'illness', grade: 6 }, dated({ 'disability-pension-annual': [['2026-01-01', DIS_2026], ['2026-07-01', { duty: DIS_RAISED.duty }]] }), P2026, null),
    { skip: '标准表中没有因病6级的金额' }, 'a later table without the entry: nothing rather than a part');

  const dps = rule('death-pension-survivors');
  const odd = dated({ 'death-pension-survivors-annual': [['2026-01-01', { martyr: 1_000_001 }], ['2026-07-01', { martyr: 1_100_001 }]] });
  t.match(lineOf(dps, { deathType: 'martyr', startMonth: '2025-03', claimantName: '刘国平', ...account }, odd, P2026, null), { months: 12, annualFen: 1_100_001, amountFen: 1_050_001 },
    '500,000.5 + 550,000.5 fen rounded once (1,050,002 if each half rounded up)');

  const cfa = rule('conscript-family-allowance');
  const multiplier = dated({ 'conscript-family-allowance-annual': [['2026-01-01', HUILAI]], 'tibet-xinjiang-multiplier': [['2020-01-01', 2], ['2026-07-01', 2.5]] });
  t.match(lineOf(cfa, { startDate: '2025-09-10', postedToTibetOrXinjiang: true, accountHolder: '张建国', ...account }, multiplier, P2026, null), {
    months: 12, multiplierPercent: 250, amountFen: 3_065_175,
    segments: [{ months: 6, percent: 200 }, { months: 6, percent: 250 }],
  }, 'a multiplier raised on 1 July: 13,623 × (6 × 200% + 6 × 250%) / 12 = 30,651.75 元');
});

t.test('a stop resumed across a standard raised on 1 July', async (t) => {
  const dis = rule('disability-pension');
  const raised = dated({ 'disability-pension-annual': [['2026-01-01', DIS_2026], ['2026-07-01', DIS_RAISED]] });
  t.match(lineOf(dis, { nature: 'duty', grade: 8, startMonth: '2025-01', accountHolder: '何建平', ...account }, raised, P2026, null, [{ from: '2026-04-01', to: '2026-09-01' }]), {
    months: 7, annualFen: 2_014_800, amountFen: 1_151_300,
    segments: [{ from: '2026-01-01', to: '2026-04-01', months: 3, annualFen: 1_918_800 }, { from: '2026-09-01', to: '2027-01-01', months: 4, annualFen: 2_014_800 }],
  }, 'stopped April to August: 3 × 1,599 + 4 × 1,679 = 11,513 元');

  const dps = rule('death-pension-survivors');
  const martyr = dated({ 'death-pension-survivors-annual': [['2026-01-01', seeded('death-pension-survivors-annual')], ['2026-07-01', { martyr: 4_331_401 }]] });
  t.match(lineOf(dps, { deathType: 'martyr', startMonth: '2025-03', claimantName: '刘国平', ...account }, martyr, P2026, null, [{ from: '2026-04-15', to: '2026-09-10' }]), { months: 8, annualFen: 4_331_401, amountFen: 2_843_800 },
    '(4 × 42,000 + 4 × 43,314.01) / 12 = 28,438.0033… 元');
});

t.test('义务兵家庭优待金: six months for a part period of service, a resumed stop taken off one for one', async (t) => {
  const r = rule('conscript-family-allowance');
  const standards = (key: string) => ({ 'conscript-family-allowance-annual': HUILAI, 'tibet-xinjiang-multiplier': 2, 'college-student-multiplier': 1.5 } as Record<string, unknown>)[key];
  const d = { startDate: '2025-09-10', collegeStudent: false, postedToTibetOrXinjiang: false, accountHolder: '张建国', ...account };
  const stops = stopsOf(r, [{ type: 'STOP', data: { stopReason: 'status-unclear', stoppedOn: '2026-04-15' } }, { type: 'RESUME', data: { resumedOn: '2026-09-01', note: '经核实仍在服役' } }]);
  t.match(lineOf(r, d, standards, P2026, stops.stoppedOn, stops.gaps), { months: 9, amountFen: 1_021_725 }, 'a whole year less the three months from 10 May to 10 August (those from 04-10 and 08-10 are only touched): 13,623 元 × 9/12');
  t.match(lineOf(r, d, standards, P2026, '2026-04-15'), { months: 6, amountFen: 681_150 }, 'a stop still in force ends the part period: 4 months count as 6');
  const recruit = { ...d, startDate: '2026-09-10' };
  t.match(lineOf(r, recruit, standards, P2026, null), { months: 6, amountFen: 681_150 }, 'from 10 September: 4 months of service count as 6');
  t.match(lineOf(r, recruit, standards, P2026, null, [{ from: '2026-10-05', to: '2026-12-15' }]), {
    months: 4, amountFen: 454_100, segments: [{ from: '2026-09-10', to: '2026-10-10', months: 1 }, { from: '2026-12-10', to: '2027-01-10', months: 1 }],
  }, 'two of those months stopped: 6 − 2 = 4 counted, not 6 again (the rounding does not swallow a stop)');
  t.match(lineOf(r, { ...d, startDate: '2026-10-15' }, standards, P2026, null, [{ from: '2026-10-15', to: '2027-01-15' }]), { skip: '2026年度内无应发月份' },
    'every month of the part period stopped: its added months are not paid alone');
  const raised = dated({ 'conscript-family-allowance-annual': [['2026-01-01', HUILAI], ['2026-11-01', 1_400_000]] });
  t.match(lineOf(r, recruit, raised, P2026, null), { months: 6, annualFen: 1_400_000, amountFen: 690_575 },
    'raised in November: two months at 13,623 and two at 14,000 元, six counted at their average: 13,811.5 × 6/12 = 6,905.75 元');
});
