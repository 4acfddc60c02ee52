import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Every instance keeps the sessions it has resolved for a few seconds (src/auth/session-cache.ts,
// docs/adr/0028-prepared-statements-and-session-cache.md). Whatever changes what a session resolves to
// (its row, its user, any station) tells every instance on commit, however it was changed: the service,
// `npm run user:add`, or an administrator's SQL (a role or station is only ever changed that way).
// Notices on the service's one PostgreSQL channel (src/db/notifications.ts), for its channel `sessions`:
// `sessions:s:<token hash>`, `sessions:u:<user id>`, or `sessions:*` (forget everything).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function sessions_changed() returns trigger language plpgsql as $$
    begin
      if tg_level = 'STATEMENT' then
        perform pg_notify('veterans_notices', 'sessions:*');
      elsif tg_table_name = 'sessions' then
        perform pg_notify('veterans_notices', 'sessions:s:' || old.token_hash);
      else
        perform pg_notify('veterans_notices', 'sessions:u:' || old.id);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger sessions_changed after update or delete on sessions
    for each row execute function sessions_changed()`.execute(db);
  await sql`create trigger users_changed after update on users
    for each row execute function sessions_changed()`.execute(db);
  // Stations change rarely and carry every user's level and path: everything is forgotten.
  await sql`create trigger stations_changed after update or delete on stations
    for each statement execute function sessions_changed()`.execute(db);
  for (const table of ['sessions', 'users', 'stations']) {
    await sql`create trigger ${sql.id(`${table}_truncated`)} after truncate on ${sql.id(table)}
      for each statement execute function sessions_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists sessions_changed cascade`.execute(db);
}
