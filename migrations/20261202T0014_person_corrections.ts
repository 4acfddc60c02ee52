import { Kysely, sql } from 'kysely';

// Two records about a person file. `person_corrections`: every change of a person's particulars
// after registration (who, when, which field, the value before and after, why), append-only like the
// case history; ID numbers and phones in it are sealed as in the file itself. `person_transfers`: a
// clerk's registration of an ID number another station holds, waiting for that station (or one above
// it) to hand the file over or refuse; the registering clerk is never told where the file is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('person_corrections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('corrected_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('corrected_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index person_corrections_person_idx on person_corrections (person_id, id)`.execute(db);
  await sql`
    create function person_corrections_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'person_corrections is append-only (% refused)', tg_op using errcode = '42501';
    end $$`.execute(db);
  await sql`create trigger person_corrections_no_update before update or delete on person_corrections
    for each row execute function person_corrections_append_only()`.execute(db);
  await sql`create trigger person_corrections_no_truncate before truncate on person_corrections
    for each statement execute function person_corrections_append_only()`.execute(db);

  await db.schema.createTable('person_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('from_station_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('from_station_path', 'text', (c) => c.notNull())
    .addColumn('to_station_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('to_station_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','accepted','refused')`))
    .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    .execute();
  // One open request per person and receiving station: registering again answers as before.
  await sql`create unique index person_transfers_pending_uq on person_transfers (person_id, to_station_id) where status = 'pending'`.execute(db);
  await sql`create index person_transfers_from_idx on person_transfers (from_station_path text_pattern_ops, id)`.execute(db);
  await sql`create index person_transfers_to_idx on person_transfers (to_station_path text_pattern_ops, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('person_transfers').execute();
  await db.schema.dropTable('person_corrections').execute();
  await sql`drop function if exists person_corrections_append_only`.execute(db);
}
