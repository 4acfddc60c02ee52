import { recordReveal } from '../auth/reveal-log.repository.ts';
import type { Db } from '../db/database.ts';

// The reads of persons the pages and lists make, each scoped to the asker's area where it names one.
export { findPerson, listRelations, searchPersons, type Person } from './person.repository.ts';
export { personNames } from './person-names.repository.ts';

/** Logs that the user saw a person's ID number and phone in full (the person file's "show"). */
export async function recordPersonReveal(db: Db, userId: string, personId: string, at: Date): Promise<void> {
  await recordReveal(db, { userId, subject: `person:${personId}`, fields: ['idNumber', 'phone'], at });
}
