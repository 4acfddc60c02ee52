import type { Db } from '../db/database.ts';
import { listChoices } from '../users/user.repository.ts';
import type { UserChoice } from '../users/user.types.ts';
import { inSubtree } from './within-area.ts';

const choice = ({ stationPath: _path, ...u }: UserChoice & { stationPath: string }): UserChoice => u;

/** Users who may hold a case of a station: those whose own station is that station or above it. */
export async function usersAbove(db: Db, stationPath: string): Promise<UserChoice[]> {
  return (await listChoices(db)).filter((u) => inSubtree(stationPath, u.stationPath)).map(choice);
}
