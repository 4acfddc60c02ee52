import { AppError } from '../http/errors.ts';
import type { Db } from '../db/database.ts';
import { findStation, insertStation, listStations, type Station } from './station.repository.ts';
import { inSubtree } from '../jurisdiction/within-area.ts';

export type { Station };
// Plain reads, for the pages as for the API.
export { findStation, listStations } from './station.repository.ts';

const CHILD_LEVEL = { district: 'town', town: 'village' } as const;

/** Stations inside an area, in tree order. */
export async function stationsWithin(db: Db, areaPath: string): Promise<Station[]> {
  return stationsIn(await listStations(db), areaPath);
}

/** Those of these stations that lie inside an area. */
export function stationsIn(stations: Station[], areaPath: string): Station[] {
  return stations.filter((s) => inSubtree(s.path, areaPath));
}

/** A station inside the user's area; one outside it is not found, the same as one that does not exist. */
export async function stationInArea(db: Db, stationId: string, areaPath: string): Promise<Station> {
  const station = await findStation(db, stationId);
  if (!station || !inSubtree(station.path, areaPath)) throw new AppError('NOT_FOUND');
  return station;
}

export interface NewStation {
  id: string;
  nameZh: string;
  nameEn: string;
}

/** Adds a station one level below a district or town station; a taken id comes back as `taken`. */
export async function addStation(db: Db, parent: Station & { level: keyof typeof CHILD_LEVEL }, s: NewStation): Promise<'added' | 'taken'> {
  try {
    await insertStation(db, { id: s.id, parent_id: parent.id, level: CHILD_LEVEL[parent.level], path: `${parent.path}.${s.id}`, name_zh: s.nameZh, name_en: s.nameEn });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return 'taken';
    throw err;
  }
  return 'added';
}
