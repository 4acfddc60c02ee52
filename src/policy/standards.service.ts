import type { Db } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import type { User } from '../users/user.repository.ts';
import { insertStandard, listStandards, type LocalStandard, type StandardValue } from './local-standard.repository.ts';

export type { StandardValue } from './local-standard.repository.ts';
import { authorize } from '../jurisdiction/authorize.ts';

/** The standards recorded, or with `on` only the one in force that day per key. */
export async function standardsOn(db: Db, f: { key?: string; on?: string }): Promise<LocalStandard[]> {
  const rows = await listStandards(db, f);
  const seen = new Set<string>();
  return rows.filter((r) => !f.on || (!seen.has(r.key) && seen.add(r.key)));
}

/** Records a standard from a date (policy staff); one value per standard and day. */
export async function recordStandard(db: Db, user: User, input: StandardValue, now: Date): Promise<string> {
  authorize(user, 'policy.edit');
  const id = newId(now.getTime());
  try {
    await insertStandard(db, { ...input, id, authorId: user.id, createdAt: now });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/effectiveFrom', message: '该标准在这一天已有取值 / this standard already has a value from that date' }] });
    throw err;
  }
  return id;
}
