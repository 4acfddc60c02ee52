import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Every instance keeps the published versions' list in memory (src/cases/workflow.registry.ts,
// docs/adr/0030-pages-read-definitions-from-memory.md). Whatever changes `workflow_versions` (a
// publication, the loader storing a new file version, an administrator's SQL) tells every instance on
// commit, on the service's one channel (src/db/notifications.ts), as `definitions:*`.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function definitions_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('veterans_notices', 'definitions:*');
      return null;
    end $$`.execute(db);
  await sql`create trigger definitions_changed after insert or update or delete or truncate on workflow_versions
    for each statement execute function definitions_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists definitions_changed cascade`.execute(db);
}
