import { createHmac, randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.ts';

/** Tokens are stored only as keyed hashes, so a copy of the database opens no session. */
export function tokenHash(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function insertSession(db: Executor, s: { hash: string; userId: string; kind: 'cookie' | 'api'; now: Date; expiresAt: Date }): Promise<void> {
  await db.insertInto('sessions').values({ token_hash: s.hash, user_id: s.userId, kind: s.kind, created_at: s.now, expires_at: s.expiresAt }).execute();
}

export async function deleteSession(db: Executor, hash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
}

export async function setSessionExpiry(db: Executor, hash: string, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', hash).execute();
}

/** Every session and API token of the user but the one given (a password change keeps the changer's). */
export async function deleteOtherSessions(db: Executor, userId: string, keepHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '<>', keepHash).execute();
}

/** Every session and API token of the user (an account disabled). */
export async function deleteUserSessions(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
