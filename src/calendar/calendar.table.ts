import type { Day, Timestamp } from '../db/column-types.ts';

export interface CalendarDayTable {
  day: Day;
  workday: boolean;
  note: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

export interface CalendarYearTable {
  year: number;
  source: string;
  loaded_by: string;
  loaded_at: Timestamp;
}
