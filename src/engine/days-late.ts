import type { DaysLate } from '../definitions/definition.types.ts';

const DAY_MS = 24 * 3600 * 1000;

function dayNumber(v: unknown): number | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const t = Date.parse(`${v}T00:00:00Z`);
  return Number.isNaN(t) ? null : t / DAY_MS;
}

/**
 * Days by which the date in `at` falls after the end of the period (`from` + `calendarDays`);
 * zero or less when in time, null while either date is missing. Calendar days only: a guard is
 * replayed years later (verification), so it may not read the working calendar, which admins
 * change; the step the guard leads to is a person's decision, where a holiday can be weighed.
 */
export function daysLate(p: DaysLate, data: Record<string, unknown>): number | null {
  const from = dayNumber(data[p.from]);
  const at = dayNumber(data[p.at]);
  return from === null || at === null ? null : at - (from + (p.calendarDays ?? 0));
}
