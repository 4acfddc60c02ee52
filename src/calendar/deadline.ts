import type { Sla } from '../definitions/definition.types.ts';
import type { WorkingCalendar } from './working-calendar.ts';

/** Mainland China has one time zone and no daylight saving: Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The Shanghai calendar day of an instant, as midnight UTC of that date. */
function shanghaiDay(t: Date): Date {
  const local = new Date(t.getTime() + SHANGHAI_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
}

export function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** The last instant of a Shanghai calendar day. */
function endOfDay(day: Date): Date {
  return new Date(day.getTime() + DAY_MS - 1 - SHANGHAI_OFFSET_MS);
}

export interface Deadline {
  at: Date;
  /** The count ran through a year whose official holidays the calendar does not know. */
  uncertain: boolean;
}

/** The end of the n-th working day after the day of `from`. */
export function addWorkingDays(from: Date, n: number, cal: WorkingCalendar): Deadline {
  let day = shanghaiDay(from);
  let uncertain = false;
  for (let counted = 0; counted < n;) {
    day = new Date(day.getTime() + DAY_MS);
    if (!cal.knowsYear(day.getUTCFullYear())) uncertain = true;
    if (cal.isWorkday(isoDate(day))) counted++;
  }
  return { at: endOfDay(day), uncertain };
}

/** Working days from tomorrow up to and including the day `due` falls on (0 when it has passed). */
export function workingDaysLeft(now: Date, due: Date, cal: WorkingCalendar): number {
  const last = shanghaiDay(due);
  let day = shanghaiDay(now);
  let left = 0;
  while (day < last) {
    day = new Date(day.getTime() + DAY_MS);
    if (cal.isWorkday(isoDate(day))) left++;
  }
  return left;
}

/**
 * When a step entered at `from` is due: the end of the n-th working day after it (official
 * holidays and make-up working days counted), the end of the n-th calendar day, or the start of
 * a month-day deadline ("before 08-01").
 */
export function dueAt(sla: Sla, from: Date, cal: WorkingCalendar): Deadline {
  const today = shanghaiDay(from);
  if ('workingDays' in sla) return addWorkingDays(from, sla.workingDays, cal);
  if ('calendarDays' in sla) return { at: endOfDay(new Date(today.getTime() + sla.calendarDays * DAY_MS)), uncertain: false };
  const [month, date] = sla.before.split('-').map(Number) as [number, number];
  let year = today.getUTCFullYear();
  if (Date.UTC(year, month - 1, date) <= today.getTime()) year++;
  return { at: new Date(Date.UTC(year, month - 1, date) - SHANGHAI_OFFSET_MS), uncertain: false };
}
