import { TZDate } from '@date-fns/tz';
import { differenceInYears, format } from 'date-fns';

/**
 * The one place that knows the service's calendar is Beijing time. Mainland China has one zone and
 * no daylight saving, but the arithmetic goes through a time-zone library so that nobody adds
 * eight hours by hand again.
 */
const SHANGHAI = 'Asia/Shanghai';

const inShanghai = (t: Date): TZDate => new TZDate(t.getTime(), SHANGHAI);

/** An instant formatted on the Shanghai clock with a date-fns pattern. */
export function formatShanghai(t: Date, pattern: string): string {
  return format(inShanghai(t), pattern);
}

/** The calendar day of an instant in Shanghai, YYYY-MM-DD. */
export function shanghaiDate(t: Date): string {
  return formatShanghai(t, 'yyyy-MM-dd');
}

/** The Shanghai calendar date and clock of an instant. */
export function shanghaiParts(t: Date): { y: number; m: number; d: number; h: number; min: number } {
  const l = inShanghai(t);
  return { y: l.getFullYear(), m: l.getMonth() + 1, d: l.getDate(), h: l.getHours(), min: l.getMinutes() };
}

/** The first instant of a Shanghai calendar day given as YYYY-MM-DD. */
export function startOfShanghaiDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(TZDate.tz(SHANGHAI, y, m - 1, d).getTime());
}

/** A period of whole Shanghai days, from the start of `from` to the start of the day after `to`. */
export function shanghaiDays(from: string, to: string): [Date, Date] {
  const [y, m, d] = to.split('-').map(Number) as [number, number, number];
  return [startOfShanghaiDay(from), new Date(TZDate.tz(SHANGHAI, y, m - 1, d + 1).getTime())];
}

/** Age in whole years on the Shanghai calendar day of `now`. */
export function ageOn(birthDate: string, now: Date): number {
  return differenceInYears(new Date(`${shanghaiDate(now)}T00:00:00Z`), new Date(`${birthDate}T00:00:00Z`));
}
