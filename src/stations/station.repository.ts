import type { Executor } from '../db/database.ts';
import type { StationTable } from './station.table.ts';

export type Station = StationTable;

export async function findStation(db: Executor, id: string): Promise<Station | undefined> {
  return db.selectFrom('stations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function stationsByPaths(db: Executor, paths: string[]): Promise<Station[]> {
  if (!paths.length) return [];
  return db.selectFrom('stations').selectAll().where('path', 'in', [...new Set(paths)]).execute();
}

export async function listStations(db: Executor): Promise<Station[]> {
  return db.selectFrom('stations').selectAll().orderBy('path').execute();
}

export async function insertStation(db: Executor, s: Station): Promise<void> {
  await db.insertInto('stations').values(s).execute();
}
