import type { ColumnType } from 'kysely';

/** Column types shared by the table files (`<feature>/<feature>.table.ts`). */
export type Timestamp = ColumnType<Date, Date, Date>;
/** A json column: read as the value, written as its JSON text. */
export type Json<T> = ColumnType<T, string, string>;
/** A `date` column, read and written as 'YYYY-MM-DD'. */
export type Day = ColumnType<string, string, string>;
