import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Each kind of notice has its own number series (GB/T 9704 文号 新退役受〔2026〕123号), apart from the
// bureau's 公文: counters and numbers are per (district, series, year). `series` is the notice kind;
// rows numbered before this migration were one series for every kind and keep '' (their codes stay
// 2026-000123). Adding a column with a default rewrites no row, so the notices' immutability trigger
// is not involved.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notice_counters add column series text not null default ''`.execute(db);
  await sql`alter table notice_counters drop constraint notice_counters_pk`.execute(db);
  await sql`alter table notice_counters add constraint notice_counters_pk primary key (district_id, series, year)`.execute(db);
  await sql`alter table notice_counters alter column series drop default`.execute(db);

  await sql`alter table notices add column series text not null default ''`.execute(db);
  await sql`alter table notices alter column series drop default`.execute(db);
  await db.schema.dropIndex('notices_serial_idx').execute();
  await sql`create unique index notices_serial_idx on notices (district_id, series, year, serial) where serial is not null`.execute(db);
}

// Numbers taken in several series cannot become one series again without printing the same number twice.
export async function down(db: Kysely<any>): Promise<void> {
  const used = await sql<{ n: number }>`select count(distinct series)::int as n from notices where serial is not null and series <> ''`.execute(db);
  if (used.rows[0]!.n > 0) throw new Error('notices are numbered per series: 0017 cannot be undone');
  await db.schema.dropIndex('notices_serial_idx').execute();
  await sql`alter table notices drop column series`.execute(db);
  await sql`create unique index notices_serial_idx on notices (district_id, year, serial) where serial is not null`.execute(db);
  await sql`delete from notice_counters where series <> ''`.execute(db);
  await sql`alter table notice_counters drop constraint notice_counters_pk`.execute(db);
  await sql`alter table notice_counters drop column series`.execute(db);
  await sql`alter table notice_counters add constraint notice_counters_pk primary key (district_id, year)`.execute(db);
}
