import Type from 'typebox';
import { Day, Nullable } from '../http/response.schemas.ts';

export const CalendarLoaded = Type.Object({ year: Type.Integer(), holidays: Type.Integer(), workdays: Type.Integer() });
export const CalendarYear = Type.Object({
  year: Type.Integer(), known: Type.Boolean({ description: 'The official holidays of the year are known' }),
  source: Nullable(Type.String({ description: 'The document they were loaded from, or chinese-days' })), holidays: Type.Array(Day()), workdays: Type.Array(Day()),
});
