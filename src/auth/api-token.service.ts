import type { Db } from '../db/database.ts';
import { insertSession, newToken, tokenHash } from './session.repository.ts';

/** Issues an API token for a user (`npm run user:add -- --api-token`); only its keyed hash is stored. */
export async function issueApiToken(
  db: Db, secret: string, userId: string, now: Date, days: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  await insertSession(db, { hash: tokenHash(secret, token), userId, kind: 'api', now, expiresAt });
  return { token, expiresAt };
}
