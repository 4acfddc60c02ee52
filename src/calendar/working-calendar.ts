import chineseDays from 'chinese-days';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Executor } from '../db/database.ts';
import { isoDay } from '../db/dates.ts';
import { loadedDays } from './calendar.repository.ts';

/** Which days are working days on mainland China's official calendar. */
export interface WorkingCalendar {
  isWorkday(day: string): boolean;
  /** False for a year whose holidays and make-up working days nobody has published to us yet. */
  knowsYear(year: number): boolean;
}

const packageYears: Set<number> = (() => {
  const file = createRequire(import.meta.url).resolve('chinese-days/dist/chinese-days.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { holidays: Record<string, string> };
  return new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))));
})();

function isWeekday(day: string): boolean {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

/**
 * The `chinese-days` package for the years it knows, overlaid with the days admins loaded
 * (holidays and make-up working days the State Council published after the package was built).
 */
export function makeCalendar(
  overrides: Map<string, boolean> = new Map(), loadedYears: Set<number> = new Set(),
): WorkingCalendar {
  return {
    isWorkday(day) {
      const o = overrides.get(day);
      if (o !== undefined) return o;
      const year = Number(day.slice(0, 4));
      if (loadedYears.has(year) || !packageYears.has(year)) return isWeekday(day);
      return chineseDays.isWorkday(day);
    },
    knowsYear: (year) => loadedYears.has(year) || packageYears.has(year),
  };
}

/** Holds the current calendar; refreshed at start, after an admin loads a year, and by each sweep. */
export class CalendarService {
  current: WorkingCalendar = makeCalendar();

  async refresh(db: Executor): Promise<WorkingCalendar> {
    const { days, years } = await loadedDays(db);
    this.current = makeCalendar(new Map(days.map((d) => [isoDay(d.day), d.workday])), new Set(years));
    return this.current;
  }
}
