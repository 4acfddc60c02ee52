import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Publishing is a controlled act (docs/adr/0033-publishing-by-two.md): one policy user requests the
// publication of a draft as it stands (the sha256 of its stored text and the version in force then),
// a different one approves it, and either may withdraw it. Every request stays, closed or not, as the
// version's history. A draft can be discarded (kept, with who and when), a published version never.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table workflow_versions drop constraint workflow_versions_status_check`.execute(db);
  await sql`alter table workflow_versions add constraint workflow_versions_status_check
    check (status in ('draft','published','retired','discarded'))`.execute(db);
  await sql`alter table workflow_versions add column discarded_by text references users (id),
    add column discarded_at timestamptz`.execute(db);

  await sql`create table publication_requests (
    id text primary key,
    workflow_id text not null,
    version integer not null,
    draft_sha256 text not null,
    base_version integer,
    effective_from timestamptz,
    requested_by text not null references users (id),
    requested_at timestamptz not null,
    status text not null check (status in ('pending','withdrawn','stale','approved')),
    closed_by text references users (id),
    closed_at timestamptz,
    constraint publication_requests_version_fk foreign key (workflow_id, version) references workflow_versions (workflow_id, version))`.execute(db);
  // At most one open request per draft, and one approval per version.
  await sql`create unique index publication_requests_open_idx on publication_requests (workflow_id, version)
    where status in ('pending','approved')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table publication_requests`.execute(db);
  // Nothing is lost going down: a discarded draft is a draft again.
  await sql`update workflow_versions set status = 'draft' where status = 'discarded'`.execute(db);
  await sql`alter table workflow_versions drop column discarded_by, drop column discarded_at`.execute(db);
  await sql`alter table workflow_versions drop constraint workflow_versions_status_check`.execute(db);
  await sql`alter table workflow_versions add constraint workflow_versions_status_check
    check (status in ('draft','published','retired'))`.execute(db);
}
