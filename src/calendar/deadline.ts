import chineseDays from 'chinese-days';

const { isWorkday } = chineseDays;
import type { Sla } from '../definitions/definition.types.ts';

/** Mainland China has one time zone and no daylight saving: Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

function shanghaiDay(t: Date): Date {
  const local = new Date(t.getTime() + SHANGHAI_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
}

function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** The last instant of a Shanghai calendar day. */
function endOfDay(day: Date): Date {
  return new Date(day.getTime() + DAY_MS - 1 - SHANGHAI_OFFSET_MS);
}

/**
 * When a step entered at `from` is due: the end of the n-th working day after it (official
 * holidays and make-up working days counted), the end of the n-th calendar day, or the start of
 * a month-day deadline ("before 08-01").
 */
export function dueAt(sla: Sla, from: Date): Date {
  const today = shanghaiDay(from);
  if ('workingDays' in sla) {
    let day = today;
    for (let counted = 0; counted < sla.workingDays;) {
      day = new Date(day.getTime() + DAY_MS);
      if (isWorkday(isoDate(day))) counted++;
    }
    return endOfDay(day);
  }
  if ('calendarDays' in sla) return endOfDay(new Date(today.getTime() + sla.calendarDays * DAY_MS));
  const [month, date] = sla.before.split('-').map(Number) as [number, number];
  let year = today.getUTCFullYear();
  if (Date.UTC(year, month - 1, date) <= today.getTime()) year++;
  return new Date(Date.UTC(year, month - 1, date) - SHANGHAI_OFFSET_MS);
}
