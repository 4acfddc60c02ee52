import { hashPassword } from '../auth/password.ts';
import type { Db } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { inSubtree } from '../jurisdiction/within-area.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import { insertUser, listChoices, setDisabled } from './user.repository.ts';
import type { Role, UserChoice } from './user.types.ts';

export type { Role, User, UserChoice } from './user.types.ts';
export { ROLE_LIST } from './user.types.ts';
// Plain reads, for the pages as for the API.
export { displayNames as userNames, findAccount as userAccount, isUsernameTaken as usernameTaken, listAccounts as userAccounts } from './user.repository.ts';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  stationId: string;
  password: string;
}

/**
 * Adds a user (the administrator's page and `npm run user:add`). The caller has checked the form;
 * a user name taken meanwhile comes back as `taken` rather than an error.
 */
export async function addUser(db: Db, u: NewUser, now: Date): Promise<{ id: string } | 'taken'> {
  const id = newId();
  try {
    await insertUser(db, {
      id, username: u.username, displayName: u.displayName, role: u.role, stationId: u.stationId,
      passwordHash: await hashPassword(u.password),
    }, now);
  } catch (err) {
    // A unique-constraint violation, on PostgreSQL and the embedded database alike.
    if ((err as { code?: string }).code === '23505') return 'taken';
    throw err;
  }
  return { id };
}

/** Disables or enables an account; a disabled one loses its sessions and API tokens at once. */
export async function setUserDisabled(db: Db, id: string, disabled: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await setDisabled(trx, id, disabled);
    if (disabled) await deleteUserSessions(trx, id);
  });
}

const choice = ({ stationPath: _path, ...u }: UserChoice & { stationPath: string }): UserChoice => u;

/** Users who may hold a case of a station: those whose own station is that station or above it. */
export async function usersAbove(db: Db, stationPath: string): Promise<UserChoice[]> {
  return (await listChoices(db)).filter((u) => inSubtree(stationPath, u.stationPath)).map(choice);
}

/** Users whose station lies inside an area (a supervisor's assignee filter and reassign targets). */
export async function usersWithin(db: Db, areaPath: string): Promise<UserChoice[]> {
  return (await listChoices(db)).filter((u) => inSubtree(u.stationPath, areaPath)).map(choice);
}
