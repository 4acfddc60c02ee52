import { Kysely } from 'kysely';

// 撤回 restores the case's clock exactly as it stood before the step it takes back (due date, the paused
// 补正 clock, overdue and escalation marks), so taking a step back never buys time nor hides an
// escalation: each step's history entry keeps the clock it replaced. Entries written before this
// migration have none; a take-back of one of them recomputes the clock from when the step was entered.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('prior_timing', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').dropColumn('prior_timing').execute();
}
