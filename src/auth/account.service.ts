import type { Db } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { insertUser, setDisabled } from '../users/user.repository.ts';
import type { Role } from '../users/user.types.ts';
import { hashPassword } from './password.ts';
import { deleteUserSessions } from './session.repository.ts';

interface NewUser {
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
