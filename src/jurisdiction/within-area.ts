import { sql, type RawBuilder } from 'kysely';

/** A column holding a station path, e.g. `station_path` or `c.station_path`. */
export type StationPathColumn = 'station_path' | `${string}.station_path` | `${string}_station_path`;

/**
 * The area of the service's own work (timers, sweeps, moving cases to a new version): every station.
 * A symbol, not a path, so no user's station path can ever stand for it.
 */
export const EVERYWHERE: unique symbol = Symbol('everywhere');

/** A station path (`xinhe.t1.v3`: a station and everything below it), or every station. */
export type Area = string | typeof EVERYWHERE;

/**
 * The one jurisdiction rule: the row's station is the area's station or lies below it. Stations
 * nest by path, segments joined by '.', so "below" is a prefix match (served by the
 * `text_pattern_ops` indexes on the path columns).
 */
export function withinArea(column: StationPathColumn, area: Area): RawBuilder<boolean> {
  if (area === EVERYWHERE) return sql<boolean>`true`;
  const path = sql.ref(column);
  return sql<boolean>`(${path} = ${area} or ${path} like ${`${area}.%`})`;
}

/** withinArea for a path in hand: `path` is the station `root` or lies below it. */
export function inSubtree(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}.`);
}
