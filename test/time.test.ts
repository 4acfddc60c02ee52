import t from 'tap';
import { ageOn, formatShanghai, shanghaiDate, shanghaiDays, shanghaiParts, startOfShanghaiDay } from '../src/time/shanghai.ts';

t.test('an instant belongs to its Beijing-time day', async (t) => {
  t.equal(shanghaiDate(new Date('2026-12-02T15:59:59.999Z')), '2026-12-02', 'one millisecond before midnight in Beijing');
  t.equal(shanghaiDate(new Date('2026-12-02T16:00:00Z')), '2026-12-03', 'midnight in Beijing is 16:00 UTC');
  t.same(shanghaiParts(new Date('2026-12-31T16:30:00Z')), { y: 2027, m: 1, d: 1, h: 0, min: 30 }, 'the year turns in Beijing first');
  t.equal(formatShanghai(new Date('2026-09-20T06:05:00Z'), 'yyyy-MM-dd HH:mm'), '2026-09-20 14:05');
});

t.test('whole days and periods', async (t) => {
  t.equal(startOfShanghaiDay('2026-03-01').toISOString(), '2026-02-28T16:00:00.000Z');
  const [from, to] = shanghaiDays('2026-02-01', '2026-02-28');
  t.equal(from.toISOString(), '2026-01-31T16:00:00.000Z');
  t.equal(to.toISOString(), '2026-02-28T16:00:00.000Z', 'the end is the start of the day after, across a month end');
  t.equal(shanghaiDays('2028-12-31', '2028-12-31')[1].toISOString(), '2028-12-31T16:00:00.000Z', 'and across a year end');
});

t.test('age turns on the birthday in Beijing, not in UTC', async (t) => {
  t.equal(ageOn('2008-12-03', new Date('2026-12-02T15:59:59Z')), 17, 'still 17 on the eve');
  t.equal(ageOn('2008-12-03', new Date('2026-12-02T16:00:00Z')), 18, '18 from Beijing midnight');
  t.equal(ageOn('2008-02-29', new Date('2026-02-28T16:00:00Z')), 18, 'a leap-day birthday counts on 1 March');
  t.equal(ageOn('2008-02-29', new Date('2026-02-28T15:00:00Z')), 17);
});
