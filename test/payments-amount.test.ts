import t from 'tap';
import { addMonths, countedMonths, lineAmountFen, monthsBetween, mulDivHalfUp, percentOf, servedInPeriod, yuan } from '../src/payments/amount.ts';

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
