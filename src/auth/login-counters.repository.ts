import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

// The counters behind login protection (login-policy.ts), kept in the database so every instance agrees.

/** The `client` of a user name's row that counts every address together. */
export const ALL_CLIENTS = '*';

/**
 * Counts one attempt of this address in its minute (which starts at its
 * first attempt); returns the count so far and when the minute ends.
 */
export async function countAttempt(
  db: Executor, client: string, now: Date,
): Promise<{ attempts: number; windowEnds: Date }> {
  const over = sql`a.window_start <= ${new Date(now.getTime() - 60_000)}::timestamptz`;
  const r = await sql<{ attempts: number; window_start: Date }>`
    insert into login_attempts as a (client, window_start, attempts) values (${client}, ${now}::timestamptz, 1)
    on conflict (client) do update set
      window_start = case when ${over} then ${now}::timestamptz else a.window_start end,
      attempts = case when ${over} then 1 else a.attempts + 1 end
    returning attempts, window_start`.execute(db);
  const row = r.rows[0]!;
  return { attempts: row.attempts, windowEnds: new Date(row.window_start.getTime() + 60_000) };
}

/**
 * Takes the next failure slot of (username, client) in one statement: a lapsed count or an expired
 * lock starts again at 1, and the slot that reaches `max` sets the lock. A slot above `max` means
 * the pair is locked until `lockedUntil`.
 */
export async function takeFailureSlot(
  db: Executor, s: { username: string; client: string; now: Date; max: number; lockMinutes: number },
): Promise<{ slot: number; lockedUntil: Date | undefined }> {
  const until = new Date(s.now.getTime() + s.lockMinutes * 60_000);
  const lapsedBefore = new Date(s.now.getTime() - s.lockMinutes * 60_000);
  const firstLock = s.max <= 1 ? until : null;
  const r = await sql<{ failures: number; locked_until: Date | null }>`
    insert into login_failures as f (username, client, failures, locked_until, updated_at)
    values (${s.username}, ${s.client}, 1, ${firstLock}::timestamptz, ${s.now}::timestamptz)
    on conflict (username, client) do update set
      failures = case when ${lapsed(s.now, lapsedBefore)} then 1 else f.failures + 1 end,
      locked_until = case
        when ${lapsed(s.now, lapsedBefore)} then ${firstLock}::timestamptz
        when f.locked_until is null and f.failures + 1 >= ${s.max} then ${until}::timestamptz
        else f.locked_until end,
      updated_at = ${s.now}::timestamptz
    returning failures, locked_until`.execute(db);
  const row = r.rows[0]!;
  return { slot: row.failures, lockedUntil: row.locked_until ?? undefined };
}

/** A row whose lock has run out, or whose count has had no failure for the lock's length, counts no more. */
function lapsed(now: Date, lapsedBefore: Date) {
  return sql`(f.locked_until is not null and f.locked_until <= ${now}::timestamptz or f.locked_until is null and f.updated_at <= ${lapsedBefore}::timestamptz)`;
}

/** A right password clears the user name's counts from this address and from all addresses. */
export async function clearFailures(db: Executor, username: string, client: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username).where('client', 'in', [client, ALL_CLIENTS]).execute();
}

/** Drops counters that no longer count (past minutes, lapsed failures), so the tables stay small. */
export async function pruneLoginCounters(db: Executor, now: Date, lockMinutes: number): Promise<void> {
  await db.deleteFrom('login_attempts').where('window_start', '<=', new Date(now.getTime() - 60_000)).execute();
  await db.deleteFrom('login_failures').where('updated_at', '<=', new Date(now.getTime() - lockMinutes * 60_000))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)])).execute();
}
