import type { Executor } from '../db/database.ts';
import type { Role, User, UserAccount, UserChoice } from './user.types.ts';

export type { User };

const columns = ['users.id', 'users.username', 'users.display_name', 'users.role', 'users.station_id', 'stations.level', 'stations.path'] as const;

function toUser(r: { id: string; username: string; display_name: string; role: Role; station_id: string; level: User['stationLevel']; path: string }): User {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role, stationId: r.station_id,
    stationLevel: r.level, stationPath: r.path,
  };
}

export async function findUserByUsername(
  db: Executor, username: string,
): Promise<(User & { passwordHash: string }) | undefined> {
  const r = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select([...columns, 'users.password_hash']).where('users.username', '=', username).where('users.disabled', '=', false).executeTakeFirst();
  return r && { ...toUser(r), passwordHash: r.password_hash };
}

export async function findUserById(db: Executor, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select(columns).where('users.id', '=', id).where('users.disabled', '=', false).executeTakeFirst();
  return r && toUser(r);
}

/** A user whatever the state of their account (a hand-over refused to a disabled account says so). */
export async function findUserAnyStatus(db: Executor, id: string): Promise<(User & { disabled: boolean }) | undefined> {
  const r = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select([...columns, 'users.disabled']).where('users.id', '=', id).executeTakeFirst();
  return r && { ...toUser(r), disabled: r.disabled };
}

/**
 * The user behind a live session token and the session itself, in one round trip (every authenticated request asks).
 */
export async function findUserBySession(db: Executor, tokenHash: string, now: Date): Promise<{ user: User; session: { kind: 'cookie' | 'api'; createdAt: Date; expiresAt: Date } } | undefined> {
  const r = await db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').innerJoin('stations', 'stations.id', 'users.station_id')
    .select([...columns, 'sessions.kind', 'sessions.created_at', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash).where('users.disabled', '=', false).where('sessions.expires_at', '>', now).executeTakeFirst();
  return r && { user: toUser(r), session: { kind: r.kind, createdAt: r.created_at, expiresAt: r.expires_at } };
}

/** A new password; the caller ends the user's other sessions in the same transaction. */
export async function setPasswordHash(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function insertUser(
  db: Executor,
  u: { id: string; username: string; displayName: string; role: Role; stationId: string; passwordHash: string },
  now: Date,
): Promise<void> {
  await db.insertInto('users').values({
    id: u.id, username: u.username, display_name: u.displayName, role: u.role, station_id: u.stationId,
    password_hash: u.passwordHash, created_at: now,
  }).execute();
}

export async function isUsernameTaken(db: Executor, username: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined;
}

/** Every account, disabled ones too, by user name. */
export async function listAccounts(db: Executor): Promise<UserAccount[]> {
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'station_id', 'disabled']).orderBy('username').execute();
  return rows.map((r) => ({
    id: r.id, username: r.username, displayName: r.display_name, role: r.role, stationId: r.station_id,
    disabled: r.disabled,
  }));
}

export async function findAccount(db: Executor, id: string): Promise<{ id: string; username: string } | undefined> {
  return db.selectFrom('users').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
}

export async function setDisabled(db: Executor, id: string, disabled: boolean): Promise<void> {
  await db.updateTable('users').set({ disabled }).where('id', '=', id).execute();
}

/** Enabled users in station-tree order, with their station's path (the service picks by jurisdiction). */
export async function listChoices(db: Executor): Promise<(UserChoice & { stationPath: string })[]> {
  const rows = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select(['users.id', 'users.display_name', 'users.role', 'users.station_id', 'stations.path'])
    .where('users.disabled', '=', false).orderBy('stations.path').orderBy('users.display_name').execute();
  return rows.map((r) => ({
    id: r.id, name: r.display_name, role: r.role, stationId: r.station_id, stationPath: r.path,
  }));
}

export async function displayNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The roles that have at least one enabled user at each of these stations (by path): who reads a queue. */
export async function activeRolesAt(
  db: Executor, stationPaths: string[],
): Promise<{ stationPath: string; role: Role }[]> {
  if (!stationPaths.length) return [];
  const rows = await db.selectFrom('users').innerJoin('stations', 'stations.id', 'users.station_id')
    .select(['stations.path', 'users.role']).distinct()
    .where('users.disabled', '=', false).where('stations.path', 'in', [...new Set(stationPaths)]).execute();
  return rows.map((r) => ({ stationPath: r.path, role: r.role }));
}

/** Which of these users are enabled. */
export async function enabledUserIds(db: Executor, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('users').select('id').where('disabled', '=', false).where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((r) => r.id));
}
