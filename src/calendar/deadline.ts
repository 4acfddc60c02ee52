import type { Sla } from '../definitions/definition.types.ts';
import { AppError } from '../http/errors.ts';
import { localized } from '../messages/localized.ts';
import { shanghaiDate, shanghaiDays, startOfShanghaiDay } from '../time/shanghai.ts';
import type { WorkingCalendar } from './working-calendar.ts';

const DAY_MS = 24 * 3600 * 1000;

/** The Shanghai calendar day of an instant, as midnight UTC of that date (days are counted in UTC). */
function shanghaiDay(t: Date): Date {
  return new Date(`${shanghaiDate(t)}T00:00:00Z`);
}

export function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** The last instant of a Shanghai calendar day. */
function endOfDay(day: Date): Date {
  const date = isoDate(day);
  return new Date(shanghaiDays(date, date)[1].getTime() - 1);
}

export interface Deadline {
  at: Date;
  /** The count ran through a year whose official holidays the calendar does not know. */
  uncertain: boolean;
}

/**
 * The longest count of days the service works with: ten years, the bound the definition schema puts
 * on SLAs and timers. Counting working days steps day by day through holidays, so the bound is what
 * keeps one request from holding the process.
 */
export const MAX_DAYS = 3660;

function checkDays(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_DAYS) {
    throw new AppError('BAD_REQUEST', { detail: localized('DEADLINE_DAYS_OUT_OF_RANGE', { max: MAX_DAYS }) });
  }
}

/** The end of the n-th working day after the day of `from`; a count beyond MAX_DAYS is refused (400). */
export function addWorkingDays(from: Date, n: number, cal: WorkingCalendar): Deadline {
  checkDays(n);
  let day = shanghaiDay(from);
  let uncertain = false;
  for (let counted = 0; counted < n;) {
    day = new Date(day.getTime() + DAY_MS);
    if (!cal.knowsYear(day.getUTCFullYear())) uncertain = true;
    if (cal.isWorkday(isoDate(day))) counted++;
  }
  return { at: endOfDay(day), uncertain };
}

/**
 * Working days from tomorrow up to and including the day `due` falls on (0 when it has passed);
 * at most MAX_DAYS, so a due date decades away costs no more than one ten years away.
 */
export function workingDaysLeft(now: Date, due: Date, cal: WorkingCalendar): number {
  const last = shanghaiDay(due);
  let day = shanghaiDay(now);
  let left = 0;
  while (day < last && left < MAX_DAYS) {
    day = new Date(day.getTime() + DAY_MS);
    if (cal.isWorkday(isoDate(day))) left++;
  }
  return left;
}

/**
 * A period counted in calendar days whose last day is a rest day or an official holiday ends at the
 * end of the next working day: 民法典第二百零三条 (not in ../shared/catalogue/laws, so not checked
 * against its text; noted 2026-12-02, docs/adr/0013-deadlines-and-lapses.md). A year the calendar
 * does not know is flagged uncertain.
 */
function nextWorkingDay(last: Date, cal: WorkingCalendar): Deadline {
  let day = last;
  let uncertain = !cal.knowsYear(day.getUTCFullYear());
  while (!cal.isWorkday(isoDate(day))) {
    day = new Date(day.getTime() + DAY_MS);
    if (!cal.knowsYear(day.getUTCFullYear())) uncertain = true;
  }
  return { at: endOfDay(day), uncertain };
}

/**
 * When a step entered at `from` is due: the end of the n-th working day after it (official
 * holidays and make-up working days counted), the end of the n-th calendar day (moved on to the
 * next working day when it is not one), or the start of a month-day deadline ("before 08-01").
 */
export function dueAt(sla: Sla, from: Date, cal: WorkingCalendar): Deadline {
  const today = shanghaiDay(from);
  if ('workingDays' in sla) return addWorkingDays(from, sla.workingDays, cal);
  if ('calendarDays' in sla) {
    checkDays(sla.calendarDays);
    return nextWorkingDay(new Date(today.getTime() + sla.calendarDays * DAY_MS), cal);
  }
  const [month, date] = sla.before.split('-').map(Number) as [number, number];
  let year = today.getUTCFullYear();
  if (Date.UTC(year, month - 1, date) <= today.getTime()) year++;
  return { at: startOfShanghaiDay(isoDate(new Date(Date.UTC(year, month - 1, date)))), uncertain: false };
}
