import type { Db } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { findPerson } from '../persons/person.service.ts';
import type { User } from '../users/user.repository.ts';
import { entriesInPeriod, entriesOfPerson, type AuditEntry } from './audit.repository.ts';

export { urgesFor } from './urges.repository.ts';

/** An inspector's export is bounded so one request cannot pull the whole history. */
const MAX_AUDIT_ENTRIES = 100_000;

export function auditEntries(db: Db, user: User, from: Date, to: Date): Promise<AuditEntry[]> {
  return entriesInPeriod(db, user.stationPath, from, to, MAX_AUDIT_ENTRIES);
}

/** A person's history across their cases; a person outside the user's area does not exist. */
export async function personHistory(
  db: Db, user: User, personId: string,
): Promise<{ personId: string; items: AuditEntry[] }> {
  const person = await findPerson(db, personId, user.stationPath);
  if (!person) throw new AppError('NOT_FOUND');
  return { personId: person.id, items: await entriesOfPerson(db, person.id) };
}
