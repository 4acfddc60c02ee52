import type { Executor } from '../db/database.ts';

export interface CalendarYearLoad {
  year: number;
  source: string;
  holidays: string[];
  workdays: string[];
  loadedBy: string;
  at: Date;
}

/**
 * Replaces a year's holidays and make-up working days, and
 * records where they came from; the caller holds the transaction.
 */
export async function replaceYear(trx: Executor, y: CalendarYearLoad): Promise<void> {
  await trx.deleteFrom('calendar_days').where('day', '>=', `${y.year}-01-01`).where('day', '<=', `${y.year}-12-31`).execute();
  const rows = [
    ...y.holidays.map((day) => ({ day, workday: false, note: y.source, loaded_by: y.loadedBy, loaded_at: y.at })),
    ...y.workdays.map((day) => ({ day, workday: true, note: y.source, loaded_by: y.loadedBy, loaded_at: y.at })),
  ];
  if (rows.length) await trx.insertInto('calendar_days').values(rows).execute();
  await trx.insertInto('calendar_years').values({ year: y.year, source: y.source, loaded_by: y.loadedBy, loaded_at: y.at })
    .onConflict((oc) => oc.column('year').doUpdateSet({ source: y.source, loaded_by: y.loadedBy, loaded_at: y.at })).execute();
}

/** The source document of a year loaded by an admin, if one was. */
export async function loadedSource(db: Executor, year: number): Promise<string | undefined> {
  return (await db.selectFrom('calendar_years').select('source').where('year', '=', year).executeTakeFirst())?.source;
}

/** Every loaded day that differs from the weekday rule (a holiday or a make-up working day), and the years loaded. */
export async function loadedDays(db: Executor) {
  const days = await db.selectFrom('calendar_days').select(['day', 'workday']).execute();
  const years = await db.selectFrom('calendar_years').select('year').execute();
  return { days, years: years.map((y) => y.year) };
}
