import type { Executor } from '../db/database.ts';
import type { User } from '../users/user.repository.ts';
import { withinArea, type Area } from '../jurisdiction/within-area.ts';

/**
 * Records the request; false when the person is already asked for by a station of the user's
 * area (registering the number again, as with a file of one's own, is a duplicate).
 */
export async function requestTransfer(trx: Executor, r: {
  id: string;
  personId: string;
  from: { id: string; path: string };
  to: { id: string; path: string };
  name: string;
  user: User;
  now: Date;
}): Promise<boolean> {
  const asked = await trx.selectFrom('person_transfers').select('id').where('person_id', '=', r.personId).where('status', '=', 'pending')
    .where(withinArea('to_station_path', r.user.stationPath)).executeTakeFirst();
  if (asked) return false;
  const inserted = await trx.insertInto('person_transfers').values({
    id: r.id, person_id: r.personId,
    from_station_id: r.from.id, from_station_path: r.from.path, to_station_id: r.to.id, to_station_path: r.to.path,
    name: r.name, status: 'pending', requested_by: r.user.id, requested_at: r.now, decided_by: null, decided_at: null, decision_reason: null,
  }).onConflict((oc) => oc.columns(['person_id', 'to_station_id']).where('status', '=', 'pending').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

/** The latest 200 requests whose station on the given side (from: the holder, to: the requester) lies in the area. */
export async function transfersOfSide(db: Executor, side: 'from_station_path' | 'to_station_path', area: Area) {
  return db.selectFrom('person_transfers as t').innerJoin('persons as p', 'p.id', 't.person_id')
    .innerJoin('stations as to', 'to.id', 't.to_station_id').innerJoin('users as u', 'u.id', 't.requested_by')
    .select([
      't.id', 't.person_id', 't.name', 't.status', 't.requested_at', 't.decided_at', 't.decision_reason',
      't.from_station_path', 't.to_station_id', 'p.name as person_name', 'p.id_number_enc', 'to.name_zh as to_name',
      'u.display_name as requested_by',
    ])
    .where(withinArea(`t.${side}`, area)).orderBy('t.id', 'desc').limit(200).execute();
}

/** A request made to a station of the area, locked for its answer. */
export async function lockIncomingTransfer(trx: Executor, area: Area, id: string) {
  return trx.selectFrom('person_transfers').selectAll().where('id', '=', id).where(withinArea('from_station_path', area))
    .forUpdate().executeTakeFirst();
}

/** A request made from a station of the area. */
export async function findOutgoing(db: Executor, area: Area, id: string) {
  return db.selectFrom('person_transfers').select(['id', 'person_id', 'name', 'status', 'decision_reason']).where('id', '=', id)
    .where(withinArea('to_station_path', area)).executeTakeFirst();
}

/** Hands the file over: the person's station becomes the requester's. */
export async function movePersonTo(
  trx: Executor,
  personId: string,
  station: { id: string; path: string },
): Promise<void> {
  await trx.updateTable('persons').set({ station_id: station.id, station_path: station.path }).where('id', '=', personId).execute();
}

export async function decideTransfer(trx: Executor, id: string, d: {
  status: 'accepted' | 'refused';
  by: string;
  at: Date;
  reason?: string;
}): Promise<void> {
  await trx.updateTable('person_transfers')
    .set({
      status: d.status, decided_by: d.by, decided_at: d.at,
      ...(d.reason === undefined ? {} : { decision_reason: d.reason }),
    })
    .where('id', '=', id).execute();
}

/** Refuses every request for the person still pending (once the file has gone to one station). */
export async function refusePendingFor(
  trx: Executor,
  personId: string,
  d: { by: string; at: Date; reason: string },
): Promise<void> {
  await trx.updateTable('person_transfers').set({ status: 'refused', decided_by: d.by, decided_at: d.at, decision_reason: d.reason })
    .where('person_id', '=', personId).where('status', '=', 'pending').execute();
}
