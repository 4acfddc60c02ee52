import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// The overdue list of a wide area (a town, the whole district: GET /api/v1/cases?due=overdue) in due-date
// order (docs/adr/0031-bench-both-databases.md). cases_open_due_idx leads with station_path, so the
// `station_path = $1 or station_path like $2` scope of a wide area gives no order: PostgreSQL read every
// overdue case of the district and sorted them (≈ 5,000 rows at 100,000 cases, ≈ 50,000 at 1,000,000).
// In (due_at, id) order it reads open cases by due date, keeps those in the area and stops after the page.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index cases_open_due_order_idx on cases (due_at, id) where status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index cases_open_due_order_idx`.execute(db);
}
