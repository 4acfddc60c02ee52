import { Kysely, sql } from 'kysely';

// Deadlines and supervision: a step's timer apart from its SLA, the paused 补正 clock,
// overdue and escalation marks, and the calendar days admins load for years the package lacks.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases')
    .addColumn('timer_at', 'timestamptz')
    .addColumn('step_entered_at', 'timestamptz')
    .addColumn('last_event_at', 'timestamptz')
    .addColumn('due_uncertain', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('paused_state', 'text')
    .addColumn('paused_working_days', 'integer')
    .addColumn('overdue_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('escalated_to', 'text')
    .execute();
  await sql`update cases set step_entered_at = updated_at, last_event_at = updated_at`.execute(db);
  await sql`create index cases_open_timer_idx on cases (timer_at) where status = 'open' and timer_at is not null`.execute(db);
  await sql`create index cases_open_overdue_idx on cases (due_at) where status = 'open' and escalated_at is null`.execute(db);
  await sql`create index cases_open_idle_idx on cases (station_path text_pattern_ops, last_event_at) where status = 'open'`.execute(db);
  await sql`create index case_events_at_idx on case_events (at)`.execute(db);

  await db.schema.createTable('calendar_days')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('workday', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_years').execute();
  await db.schema.dropTable('calendar_days').execute();
  for (const i of ['cases_open_timer_idx', 'cases_open_overdue_idx', 'cases_open_idle_idx', 'case_events_at_idx']) await db.schema.dropIndex(i).execute();
  await db.schema.alterTable('cases')
    .dropColumn('timer_at').dropColumn('step_entered_at').dropColumn('last_event_at').dropColumn('due_uncertain')
    .dropColumn('paused_state').dropColumn('paused_working_days').dropColumn('overdue_at').dropColumn('escalated_at').dropColumn('escalated_to')
    .execute();
}
