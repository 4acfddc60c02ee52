import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Lists instead of one person at a counter (issue #9): roster imports with their parsed rows and
// per-row results; cases know the roster and the period they were opened for (one case per item,
// subject and period); batch actions with each case's outcome; payment batches and their lines
// (a case is paid at most once per period); yearly confirmation runs of recurring payments.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('rosters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    // What the cases are for, e.g. 2026 or 2026-H2: with the item and the subject, the key that makes a second import create nothing.
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv','xlsx')`))
    // header → field, as applied (automatic matches included); values common to every row.
    .addColumn('mapping', 'jsonb', (c) => c.notNull())
    .addColumn('defaults', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('preview','committed','discarded')`))
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('valid_count', 'integer', (c) => c.notNull())
    .addColumn('duplicate_count', 'integer', (c) => c.notNull())
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('created_count', 'integer')
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('station_path', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('committed_by', 'text', (c) => c.references('users.id'))
    .addColumn('committed_at', 'timestamptz')
    .execute();
  await sql`create index rosters_station_idx on rosters (station_path text_pattern_ops, created_at)`.execute(db);

  await db.schema.createTable('roster_rows')
    .addColumn('roster_id', 'text', (c) => c.notNull().references('rosters.id'))
    // The row's line in the file (the header is line 1), so a clerk finds it in the spreadsheet.
    .addColumn('row_no', 'integer', (c) => c.notNull())
    // The mapped values, encrypted like ID numbers elsewhere (they hold ID numbers and bank accounts).
    .addColumn('data_enc', 'text', (c) => c.notNull())
    // What a preview may show: name, masked ID number, village.
    .addColumn('display', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('valid','duplicate','error','created')`))
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('person_id', 'text', (c) => c.references('persons.id'))
    .addColumn('case_id', 'text')
    .addPrimaryKeyConstraint('roster_rows_pk', ['roster_id', 'row_no'])
    .execute();

  await db.schema.alterTable('cases')
    .addColumn('period', 'text')
    .addColumn('roster_id', 'text', (c) => c.references('rosters.id'))
    .execute();
  // One case per item, subject and period: importing the same people again creates nothing.
  await sql`create unique index cases_period_idx on cases (workflow_id, person_id, period) where period is not null`.execute(db);
  await sql`create index cases_roster_idx on cases (roster_id) where roster_id is not null`.execute(db);

  await db.schema.createTable('batch_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('roster_id', 'text', (c) => c.references('rosters.id'))
    .addColumn('case_count', 'integer', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running','done')`))
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createTable('batch_action_cases')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batch_actions.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('ok', 'boolean')
    // The history entry the step wrote (its notices carry the same event_seq).
    .addColumn('event_seq', 'integer')
    .addColumn('code', 'text')
    .addColumn('message', 'text')
    .addColumn('errors', 'jsonb')
    .addPrimaryKeyConstraint('batch_action_cases_pk', ['batch_id', 'position'])
    .execute();

  await db.schema.createTable('payment_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','approved','exported','recorded','cancelled')`))
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('total_fen', 'bigint', (c) => c.notNull())
    // The standards applied (key, value, effective date, policy document), as they were.
    .addColumn('standards', 'jsonb', (c) => c.notNull())
    .addColumn('station_path', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('exported_at', 'timestamptz')
    .addColumn('export_sha256', 'text')
    .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz')
    .addColumn('paid_on', 'date')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();

  await db.schema.createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('payment_batches.id'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('multiplier_percent', 'integer', (c) => c.notNull())
    .addColumn('annual_fen', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('bank_name', 'text', (c) => c.notNull())
    .addColumn('bank_account_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','paid','failed')`))
    .addColumn('event_seq', 'integer')
    .addColumn('error', 'text')
    // A case is paid at most once per period.
    .addUniqueConstraint('payments_case_period', ['case_id', 'period'])
    .addUniqueConstraint('payments_batch_line', ['batch_id', 'line_no'])
    .execute();

  await db.schema.createTable('confirmation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','closed')`))
    .addColumn('station_path', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('closed_at', 'timestamptz')
    .addUniqueConstraint('confirmation_runs_item_year', ['workflow_id', 'year'])
    .execute();
  await db.schema.createTable('confirmation_entries')
    .addColumn('run_id', 'text', (c) => c.notNull().references('confirmation_runs.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','confirmed','suspended','failed')`))
    .addColumn('event_seq', 'integer')
    .addColumn('by_user', 'text', (c) => c.references('users.id'))
    .addColumn('at', 'timestamptz')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('confirmation_entries_pk', ['run_id', 'case_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('confirmation_entries').execute();
  await db.schema.dropTable('confirmation_runs').execute();
  await db.schema.dropTable('payments').execute();
  await db.schema.dropTable('payment_batches').execute();
  await db.schema.dropTable('batch_action_cases').execute();
  await db.schema.dropTable('batch_actions').execute();
  await sql`drop index cases_roster_idx`.execute(db);
  await sql`drop index cases_period_idx`.execute(db);
  await db.schema.alterTable('cases').dropColumn('roster_id').dropColumn('period').execute();
  await db.schema.dropTable('roster_rows').execute();
  await db.schema.dropTable('rosters').execute();
}
