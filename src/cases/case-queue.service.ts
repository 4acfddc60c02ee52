import type { Db } from '../db/database.ts';
import { personsByIds, type Person } from '../persons/person.repository.ts';
import type { User } from '../users/user.types.ts';
import { recentPersonIds } from './case-queue.repository.ts';

// What waits for a clerk on the home page: the cases at their desk and copies sent to them (urges: src/supervision/).
export { copiedToMe, myQueue } from './case-queue.repository.ts';

/** Persons this user registered or worked on lately, most recent first, those now outside the area left out. */
export async function recentPersons(db: Db, user: User): Promise<Person[]> {
  const ids = await recentPersonIds(db, user);
  const byId = new Map((await personsByIds(db, ids, user.stationPath)).map((p) => [p.id, p]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
