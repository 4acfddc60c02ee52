import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

export interface IdempotencyScope {
  userId: string;
  route: string;
  key: string;
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/** Serialises requests with the same key, so a retry racing its original waits for it. */
export async function lockKey(db: Executor, s: IdempotencyScope): Promise<void> {
  const digest = createHash('sha256').update(JSON.stringify([s.userId, s.route, s.key])).digest().readBigInt64BE(0);
  await sql`select pg_advisory_xact_lock(${digest.toString()}::bigint)`.execute(db);
}

export async function saveKey(
  db: Executor, s: IdempotencyScope, hash: string, statusCode: number, response: unknown, now: Date,
): Promise<void> {
  await db.insertInto('idempotency_keys').values({
    user_id: s.userId, route: s.route, key: s.key, request_hash: hash, status_code: statusCode,
    response: JSON.stringify(response), created_at: now,
  }).execute();
}

/** Whether the step `seq` of the case was sent on one of `routes` under a key `<case>:<prefix>…` (a batch's). */
export async function sentUnderKeyPrefix(
  db: Executor, routes: readonly string[], caseId: string, prefixes: readonly string[], seq: number,
): Promise<boolean> {
  const r = await db.selectFrom('idempotency_keys').select('key')
    .where('route', 'in', routes)
    .where((eb) => eb.or(prefixes.map((p) => eb('key', 'like', `${caseId}:${p}%`))))
    .where(sql<boolean>`(response->>'version')::int = ${seq}`).executeTakeFirst();
  return r !== undefined;
}
