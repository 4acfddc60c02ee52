import { dataKeys, decryptField } from '../crypto/data-key.ts';
import type { Db, Executor } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { withinArea } from '../jurisdiction/within-area.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { maskIdNumber } from '../http/mask.ts';
import type { User } from '../users/user.repository.ts';
import { recordCorrections } from './person-correction.service.ts';
import { findPerson, lockPerson } from './person.repository.ts';

/*
 * 转入申请: a clerk registered an ID number whose file another station holds. The clerk was
 * answered as for any registration (docs/adr/0007-registration-without-oracle.md); the holding
 * station, or a station above it, hands the file over (the person's station becomes the
 * requester's, recorded as a correction) or refuses. The requester is never shown where the file
 * was: their list has what they typed and the outcome.
 */

/**
 * Records the request; false when the person is already asked for by a station of the user's
 * area (registering the number again, as with a file of one's own, is a duplicate).
 */
export async function requestTransfer(trx: Executor, r: { id: string; personId: string; from: { id: string; path: string }; to: { id: string; path: string }; name: string; user: User; now: Date }): Promise<boolean> {
  const asked = await trx.selectFrom('person_transfers').select('id').where('person_id', '=', r.personId).where('status', '=', 'pending')
    .where(withinArea('to_station_path', r.user.stationPath)).executeTakeFirst();
  if (asked) return false;
  const inserted = await trx.insertInto('person_transfers').values({
    id: r.id, person_id: r.personId, from_station_id: r.from.id, from_station_path: r.from.path, to_station_id: r.to.id, to_station_path: r.to.path,
    name: r.name, status: 'pending', requested_by: r.user.id, requested_at: r.now, decided_by: null, decided_at: null, decision_reason: null,
  }).onConflict((oc) => oc.columns(['person_id', 'to_station_id']).where('status', '=', 'pending').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

/** The user's area's requests: those it must answer (incoming) and those it made (outgoing, without the holder). */
export async function listTransfers(db: Db, user: User) {
  const base = db.selectFrom('person_transfers as t').innerJoin('persons as p', 'p.id', 't.person_id')
    .innerJoin('stations as to', 'to.id', 't.to_station_id').innerJoin('users as u', 'u.id', 't.requested_by')
    .select(['t.id', 't.person_id', 't.name', 't.status', 't.requested_at', 't.decided_at', 't.decision_reason', 't.from_station_path', 't.to_station_id', 'p.name as person_name', 'p.id_number_enc', 'to.name_zh as to_name', 'u.display_name as requested_by']);
  const incoming = await base.where(withinArea('from_station_path', user.stationPath)).orderBy('t.id', 'desc').limit(200).execute();
  const outgoing = await base.where(withinArea('to_station_path', user.stationPath)).orderBy('t.id', 'desc').limit(200).execute();
  const keys = dataKeys();
  const idOf = (r: { person_id: string; id_number_enc: string }) => maskIdNumber(decryptField(keys, r.id_number_enc, `persons.id_number:${r.person_id}`));
  const common = (r: (typeof incoming)[number]) => ({
    id: r.id, status: r.status, name: r.name, idNumber: idOf(r), toStationId: r.to_station_id, toStation: r.to_name, requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(), decidedAt: r.decided_at?.toISOString() ?? null, decisionReason: r.decision_reason,
  });
  return {
    incoming: incoming.map((r) => ({ ...common(r), personId: r.person_id, personName: r.person_name })),
    // The file becomes the requester's to see once handed over; before that it is not theirs.
    outgoing: outgoing.map((r) => ({ ...common(r), personId: r.status === 'accepted' ? r.person_id : null })),
  };
}

/** A pending request the user's area must answer, locked; outside that area it does not exist. */
async function pendingIncoming(trx: Executor, user: User, id: string) {
  authorize(user, 'person.transfer');
  const t = await trx.selectFrom('person_transfers').selectAll().where('id', '=', id).where(withinArea('from_station_path', user.stationPath)).forUpdate().executeTakeFirst();
  if (!t) throw new AppError('NOT_FOUND');
  if (t.status !== 'pending') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该转入申请已处理', en: 'This transfer request was already answered' } });
  return t;
}

/** Hands the file over: the person's station becomes the requester's; other stations' requests for the person are closed. */
export async function acceptTransfer(db: Db, user: User, id: string, now: Date): Promise<{ id: string; status: 'accepted'; personId: string }> {
  return db.transaction().execute(async (trx) => {
    const t = await pendingIncoming(trx, user, id);
    await lockPerson(trx, t.person_id);
    const person = await findPerson(trx, t.person_id, user.stationPath);
    if (!person || person.stationPath !== t.from_station_path) {
      throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该人员已不在原服务站，不能转出', en: 'The person is no longer at the station the request was made to' } });
    }
    await trx.updateTable('persons').set({ station_id: t.to_station_id, station_path: t.to_station_path }).where('id', '=', t.person_id).execute();
    await recordCorrections(trx, t.person_id, [{ field: 'stationId', oldValue: t.from_station_id, newValue: t.to_station_id }], `转入申请 ${t.id}`, user.id, now);
    await trx.updateTable('person_transfers').set({ status: 'accepted', decided_by: user.id, decided_at: now }).where('id', '=', id).execute();
    await trx.updateTable('person_transfers').set({ status: 'refused', decided_by: user.id, decided_at: now, decision_reason: '该人员已转至其他服务站' })
      .where('person_id', '=', t.person_id).where('status', '=', 'pending').execute();
    return { id, status: 'accepted' as const, personId: t.person_id };
  });
}

export async function refuseTransfer(db: Db, user: User, id: string, reason: string, now: Date): Promise<{ id: string; status: 'refused' }> {
  return db.transaction().execute(async (trx) => {
    await pendingIncoming(trx, user, id);
    await trx.updateTable('person_transfers').set({ status: 'refused', decided_by: user.id, decided_at: now, decision_reason: reason }).where('id', '=', id).execute();
    return { id, status: 'refused' as const };
  });
}

/** A request made from the user's area, as its maker sees it (what they typed, and the outcome). */
export async function findOutgoingTransfer(db: Executor, user: User, id: string) {
  const r = await db.selectFrom('person_transfers').select(['id', 'person_id', 'name', 'status', 'decision_reason']).where('id', '=', id)
    .where(withinArea('to_station_path', user.stationPath)).executeTakeFirst();
  return r && { id: r.id, name: r.name, status: r.status, reason: r.decision_reason, personId: r.status === 'accepted' ? r.person_id : null };
}
