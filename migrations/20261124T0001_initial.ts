import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('stations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('stations.id'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('district','town','village')`))
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('clerk','supervisor','policy','admin')`))
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema.createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('cookie','api')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .execute();

  await db.schema.createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_number', 'text', (c) => c.notNull().unique())
    .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('male','female')`))
    .addColumn('birth_date', 'date', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('station_path', 'text', (c) => c.notNull())
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('persons_name_idx').on('persons').column('name').execute();
  await db.schema.createIndex('persons_station_path_idx').on('persons').expression(sql`station_path text_pattern_ops`).execute();

  await db.schema.createTable('person_relations')
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('related_person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('relation', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_relations_pk', ['person_id', 'related_person_id'])
    .execute();

  await db.schema.createTable('workflow_versions')
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','published','retired')`))
    // json, not jsonb: key order is the order fields and steps are shown in.
    .addColumn('definition', 'json', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addColumn('effective_from', 'timestamptz')
    .addPrimaryKeyConstraint('workflow_versions_pk', ['workflow_id', 'version'])
    .execute();

  await db.schema.createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('workflow_version', 'integer', (c) => c.notNull())
    .addColumn('parent_case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('applicant_id', 'text', (c) => c.references('persons.id'))
    .addColumn('payee_id', 'text', (c) => c.references('persons.id'))
    .addColumn('agent', 'jsonb')
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('station_path', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','closed')`))
    .addColumn('exclusive', 'boolean', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('step_level', 'text')
    .addColumn('due_at', 'timestamptz')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    // null when the service itself started the case (a child case started by a timer).
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addForeignKeyConstraint('cases_workflow_fk', ['workflow_id', 'workflow_version'], 'workflow_versions', ['workflow_id', 'version'])
    .execute();
  // One open case per item and subject, unless the item allows several (exclusive = false).
  await sql`create unique index cases_one_open_idx on cases (workflow_id, person_id) where status = 'open' and exclusive`.execute(db);
  await sql`create index cases_person_idx on cases (person_id)`.execute(db);
  await sql`create index cases_list_idx on cases (station_path text_pattern_ops, id)`.execute(db);
  await sql`create index cases_open_due_idx on cases (station_path text_pattern_ops, due_at) where status = 'open'`.execute(db);
  await sql`create index cases_parent_idx on cases (parent_case_id) where parent_case_id is not null`.execute(db);

  await db.schema.createTable('case_events')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('machine','admin')`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_events_pk', ['case_id', 'seq'])
    .execute();
  // History is append-only: the database itself refuses to rewrite it.
  await sql`
    create function case_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'case_events is append-only (% refused)', tg_op using errcode = '42501';
    end $$`.execute(db);
  await sql`create trigger case_events_no_update before update or delete on case_events
    for each row execute function case_events_append_only()`.execute(db);
  await sql`create trigger case_events_no_truncate before truncate on case_events
    for each statement execute function case_events_append_only()`.execute(db);

  await db.schema.createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('event_seq', 'integer', (c) => c.notNull())
    .addColumn('notice_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.references('users.id'))
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index notices_case_idx on notices (case_id)`.execute(db);

  await db.schema.createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'route', 'key'])
    .execute();

  await db.schema.createTable('reveal_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['reveal_log', 'idempotency_keys', 'notices', 'case_events', 'cases', 'workflow_versions',
    'person_relations', 'persons', 'sessions', 'users', 'stations']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await sql`drop function if exists case_events_append_only`.execute(db);
}
