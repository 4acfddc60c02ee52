import type { Executor } from '../db/database.ts';

/** Who saw which personal fields of what, in full, and when: each reveal and each bank-file download. */
export async function recordReveal(
  db: Executor, entry: { userId: string; subject: string; fields: string[]; at: Date },
): Promise<void> {
  await db.insertInto('reveal_log').values({ user_id: entry.userId, subject: entry.subject, fields: JSON.stringify(entry.fields), at: entry.at }).execute();
}
