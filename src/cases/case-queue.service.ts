import type { Db } from '../db/database.ts';
import { findPerson, type Person } from '../persons/person.repository.ts';
import type { User } from '../users/user.types.ts';
import { recentPersonIds } from './case-queue.repository.ts';

// What waits for a clerk on the home page: the cases at their desk and copies sent to them (urges: src/supervision/).
export { copiedToMe, myQueue } from './case-queue.repository.ts';

/** Persons this user registered or worked on lately, most recent first, those now outside the area left out. */
export async function recentPersons(db: Db, user: User): Promise<Person[]> {
  const persons = [];
  for (const id of await recentPersonIds(db, user)) {
    const p = await findPerson(db, id, user.stationPath);
    if (p) persons.push(p);
  }
  return persons;
}
