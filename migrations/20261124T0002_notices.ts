import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Printed notices: a number per district and year without gaps, the text made inside the step's
// transaction, the PDF made after commit (pdf is null until then), a verification token.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('notice_counters')
    .addColumn('district_id', 'text', (c) => c.notNull().references('stations.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_serial', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_counters_pk', ['district_id', 'year'])
    .execute();

  // Rows written before numbering existed keep null here: they have no printed document.
  await db.schema.alterTable('notices')
    .addColumn('district_id', 'text', (c) => c.references('stations.id'))
    .addColumn('year', 'integer')
    .addColumn('serial', 'integer')
    .addColumn('code', 'text')
    .addColumn('number', 'text')
    .addColumn('template', 'text')
    .addColumn('content', 'text')
    .addColumn('content_sha256', 'text')
    .addColumn('verify_token', 'text')
    .addColumn('pdf', 'bytea')
    .addColumn('sha256', 'text')
    .addColumn('rendered_at', 'timestamptz')
    .addColumn('render_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('render_error', 'text')
    .execute();
  await sql`alter table notices add constraint notices_numbered_check check (
    (number is null and district_id is null and year is null and serial is null and code is null and verify_token is null and content is null)
    or (number is not null and district_id is not null and year is not null and serial is not null and code is not null
        and verify_token is not null and content is not null and content_sha256 is not null and template is not null))`.execute(db);
  await sql`alter table notices add constraint notices_pdf_check check ((pdf is null) = (sha256 is null) and (pdf is null) = (rendered_at is null))`.execute(db);
  await sql`create unique index notices_serial_idx on notices (district_id, year, serial) where serial is not null`.execute(db);
  await sql`create unique index notices_code_idx on notices (district_id, code) where code is not null`.execute(db);
  await sql`create unique index notices_verify_token_idx on notices (verify_token) where verify_token is not null`.execute(db);
  await sql`create index notices_pending_idx on notices (render_attempts, issued_at) where pdf is null and number is not null`.execute(db);

  // A notice is immutable once issued: only the PDF may be added, once, and the render bookkeeping
  // while it is still missing. Nothing is deleted.
  await sql`
    create function notices_immutable() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' then
        raise exception 'notices are immutable (% refused)', tg_op using errcode = '42501';
      end if;
      if (to_jsonb(new) - array['pdf','sha256','rendered_at','render_attempts','render_error'])
         is distinct from (to_jsonb(old) - array['pdf','sha256','rendered_at','render_attempts','render_error'])
         or (old.pdf is not null and (new.pdf is distinct from old.pdf or new.sha256 is distinct from old.sha256
             or new.rendered_at is distinct from old.rendered_at)) then
        raise exception 'notices are immutable: only a missing PDF may be added' using errcode = '42501';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger notices_no_change before update or delete on notices
    for each row execute function notices_immutable()`.execute(db);
  await sql`create trigger notices_no_truncate before truncate on notices
    for each statement execute function notices_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists notices_no_change on notices`.execute(db);
  await sql`drop trigger if exists notices_no_truncate on notices`.execute(db);
  await sql`drop function if exists notices_immutable`.execute(db);
  for (const idx of ['notices_serial_idx', 'notices_code_idx', 'notices_verify_token_idx', 'notices_pending_idx']) {
    await db.schema.dropIndex(idx).ifExists().execute();
  }
  await sql`alter table notices drop constraint if exists notices_numbered_check, drop constraint if exists notices_pdf_check`.execute(db);
  await db.schema.alterTable('notices')
    .dropColumn('district_id').dropColumn('year').dropColumn('serial').dropColumn('code').dropColumn('number')
    .dropColumn('template').dropColumn('content').dropColumn('content_sha256').dropColumn('verify_token')
    .dropColumn('pdf').dropColumn('sha256').dropColumn('rendered_at').dropColumn('render_attempts').dropColumn('render_error')
    .execute();
  await db.schema.dropTable('notice_counters').ifExists().execute();
}
