import { Kysely, sql } from 'kysely';

// Policy staff: drafts with their lint findings and the policy document they implement,
// background jobs (migrations of running cases, large imports), and dated local standards.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workflow_versions')
    .addColumn('findings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('policy_document', 'jsonb')
    .addColumn('retired_at', 'timestamptz')
    .execute();

  await db.schema.createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued','running','succeeded','failed')`))
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('progress', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create index jobs_pending_idx on jobs (created_at) where status in ('queued','running')`.execute(db);

  await db.schema.createTable('local_standards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('policy_document', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('local_standards_key_date', ['key', 'effective_from'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('local_standards').execute();
  await db.schema.dropTable('jobs').execute();
  await db.schema.alterTable('workflow_versions').dropColumn('findings').dropColumn('policy_document').dropColumn('retired_at').execute();
}
