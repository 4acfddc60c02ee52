import type { Db } from '../db/database.ts';
import { findPerson, type Person } from '../persons/person.repository.ts';
import type { User } from '../users/user.types.ts';
import { recentPersonIds } from './case-queue.repository.ts';

// What waits for a clerk: the cases at their desk, copies sent to them, and urges (the home page).
export { copiedToMe, myQueue } from './case-queue.repository.ts';
export { urgesFor } from '../supervision/urges.repository.ts';

/** Persons this user registered or worked on lately, most recent first, those now outside the area left out. */
export async function recentPersons(db: Db, user: User): Promise<Person[]> {
  const persons = [];
  for (const id of await recentPersonIds(db, user)) {
    const p = await findPerson(db, id, user.stationPath);
    if (p) persons.push(p);
  }
  return persons;
}
