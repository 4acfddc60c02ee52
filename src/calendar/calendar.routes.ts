import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { CalendarLoaded, CalendarYear } from './calendar.schemas.ts';
import { loadedSource, loadYear } from './calendar.service.ts';
import { authorize } from '../jurisdiction/authorize.ts';

const dates = { type: 'array', maxItems: 120, uniqueItems: true, items: { type: 'string', format: 'date' } } as const;
const yearParam = { type: 'object', required: ['year'], properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } } as const;

/**
 * Admins load a year's official holidays and make-up working days when the State Council
 * publishes them, without a release; every other day of that year follows the week.
 */
export default async function calendarRoutes(app: FastifyInstance): Promise<void> {
  app.put<{ Params: { year: number }; Body: { source: string; holidays: string[]; workdays: string[] } }>('/calendar/:year', {
    schema: {
      tags: ['calendar'], response: { 200: CalendarLoaded }, summary: "Load a year's holidays and make-up working days (admin)", params: yearParam,
      body: {
        type: 'object', additionalProperties: false, required: ['source', 'holidays', 'workdays'],
        properties: { source: { type: 'string', title: '依据文件', 'x-title-en': 'Source document', minLength: 4, maxLength: 200 }, holidays: { ...dates, title: '放假日期', 'x-title-en': 'Holidays' }, workdays: { ...dates, title: '调休上班日期', 'x-title-en': 'Make-up working days' } },
      },
    },
  }, async (req) => {
    authorize(req.user!, 'calendar.load');
    const { year } = req.params;
    const wrong = [...req.body.holidays.map((d, i) => [d, `/holidays/${i}`]), ...req.body.workdays.map((d, i) => [d, `/workdays/${i}`])].filter(([d]) => !d!.startsWith(`${year}-`));
    if (wrong.length) throw new AppError('VALIDATION_FAILED', { errors: wrong.map(([, path]) => ({ path: path!, message: `日期须在${year}年内 / the date must be in ${year}` })) });
    const both = req.body.holidays.filter((d) => req.body.workdays.includes(d));
    if (both.length) throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/workdays', message: `同一天不能既放假又上班：${both.join('、')} / a day cannot be both` }] });
    const now = app.clock.now();
    await loadYear(app.db, { year, ...req.body, loadedBy: req.user!.id, at: now });
    await app.calendar.refresh(app.db);
    req.log.info({ year, holidays: req.body.holidays.length, workdays: req.body.workdays.length }, 'calendar year loaded');
    return { year, holidays: req.body.holidays.length, workdays: req.body.workdays.length };
  });

  app.get<{ Params: { year: number } }>('/calendar/:year', { schema: { tags: ['calendar'], response: { 200: CalendarYear }, summary: "A year's calendar as the service counts it", params: yearParam } }, async (req) => {
    const { year } = req.params;
    const loaded = await loadedSource(app.db, year);
    const days: string[] = [];
    const holidays: string[] = [];
    const workdays: string[] = [];
    const cal = app.calendar.current;
    for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
      days.push(d.toISOString().slice(0, 10));
    }
    for (const day of days) {
      const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
      if (cal.isWorkday(day) && weekend) workdays.push(day);
      if (!cal.isWorkday(day) && !weekend) holidays.push(day);
    }
    return { year, known: cal.knowsYear(year), source: loaded ?? (cal.knowsYear(year) ? 'chinese-days' : null), holidays, workdays };
  });
}
