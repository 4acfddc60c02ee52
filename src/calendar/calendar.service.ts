import type { Db } from '../db/database.ts';
import { loadedSource, replaceYear, type CalendarYearLoad } from './calendar.repository.ts';

export { loadedSource };

export async function loadYear(db: Db, y: CalendarYearLoad): Promise<void> {
  await db.transaction().execute((trx) => replaceYear(trx, y));
}
