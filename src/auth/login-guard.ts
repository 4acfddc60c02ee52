import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/**
 * Lockout after failed logins, per user and in the database (so every instance agrees):
 * `maxFailures` wrong passwords in a row lock the account for `lockMinutes`; a success resets the
 * count; the first failure after a lockout has run out starts counting again.
 */
export interface LoginPolicy {
  /** Login attempts per client IP and minute (all attempts, right or wrong). */
  ratePerMinute: number;
  maxFailures: number;
  lockMinutes: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = { ratePerMinute: 30, maxFailures: 5, lockMinutes: 15 };

/** When the user's lockout ends, or undefined if the user may try. */
export async function lockedUntil(db: Executor, userId: string, now: Date): Promise<Date | undefined> {
  const r = await db.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirst();
  return r?.locked_until && r.locked_until > now ? r.locked_until : undefined;
}

/** Counts a failure (atomically, so parallel guesses all count); returns the lockout's end if this one starts it. */
export async function recordFailedLogin(db: Executor, userId: string, now: Date, policy: LoginPolicy): Promise<Date | undefined> {
  const until = new Date(now.getTime() + policy.lockMinutes * 60_000);
  const r = await sql<{ locked_until: Date | null }>`
    update users u set
      failed_logins = n.count,
      locked_until = case when n.count >= ${policy.maxFailures} then ${until}::timestamptz else null end
    from (
      select id, case when locked_until is not null and locked_until <= ${now}::timestamptz then 1 else failed_logins + 1 end as count
      from users where id = ${userId} for update
    ) n
    where u.id = n.id
    returning u.locked_until`.execute(db);
  return r.rows[0]?.locked_until ?? undefined;
}

export async function clearFailedLogins(db: Executor, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId)
    .where((eb) => eb.or([eb('failed_logins', '>', 0), eb('locked_until', 'is not', null)])).execute();
}
