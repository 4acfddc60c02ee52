import { dataKeys, decryptField } from '../crypto/data-key.ts';
import type { Db, Executor } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { maskIdNumber } from '../http/mask.ts';
import type { User } from '../users/user.repository.ts';
import { recordCorrections } from './person-correction.service.ts';
import { findPerson, lockPerson } from './person.repository.ts';
import {
  decideTransfer, findOutgoing, lockIncomingTransfer, movePersonTo, refusePendingFor, transfersOfSide,
} from './person-transfer.repository.ts';

/*
 * 转入申请: a clerk registered an ID number whose file another station holds. The clerk was
 * answered as for any registration (docs/adr/0007-registration-without-oracle.md); the holding
 * station, or a station above it, hands the file over (the person's station becomes the
 * requester's, recorded as a correction) or refuses. The requester is never shown where the file
 * was: their list has what they typed and the outcome.
 */

/** The user's area's requests: those it must answer (incoming) and those it made (outgoing, without the holder). */
export async function listTransfers(db: Db, user: User) {
  const incoming = await transfersOfSide(db, 'from_station_path', user.stationPath);
  const outgoing = await transfersOfSide(db, 'to_station_path', user.stationPath);
  const keys = dataKeys();
  const idOf = (r: { person_id: string; id_number_enc: string }) => maskIdNumber(decryptField(keys, r.id_number_enc, `persons.id_number:${r.person_id}`));
  const common = (r: (typeof incoming)[number]) => ({
    id: r.id, status: r.status, name: r.name, idNumber: idOf(r), toStationId: r.to_station_id, toStation: r.to_name,
    requestedBy: r.requested_by, requestedAt: r.requested_at.toISOString(),
    decidedAt: r.decided_at?.toISOString() ?? null, decisionReason: r.decision_reason,
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
  const t = await lockIncomingTransfer(trx, user.stationPath, id);
  if (!t) throw new AppError('NOT_FOUND');
  if (t.status !== 'pending') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该转入申请已处理', en: 'This transfer request was already answered' } });
  return t;
}

/**
 * Hands the file over: the person's station becomes the
 * requester's; other stations' requests for the person are closed.
 */
export async function acceptTransfer(db: Db, user: User, id: string, now: Date): Promise<{ id: string; status: 'accepted'; personId: string }> {
  return db.transaction().execute(async (trx) => {
    const t = await pendingIncoming(trx, user, id);
    await lockPerson(trx, t.person_id);
    const person = await findPerson(trx, t.person_id, user.stationPath);
    if (!person || person.stationPath !== t.from_station_path) {
      throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该人员已不在原服务站，不能转出', en: 'The person is no longer at the station the request was made to' } });
    }
    await movePersonTo(trx, t.person_id, { id: t.to_station_id, path: t.to_station_path });
    await recordCorrections(trx, t.person_id, [{ field: 'stationId', oldValue: t.from_station_id, newValue: t.to_station_id }], `转入申请 ${t.id}`, user.id, now);
    await decideTransfer(trx, id, { status: 'accepted', by: user.id, at: now });
    await refusePendingFor(trx, t.person_id, { by: user.id, at: now, reason: '该人员已转至其他服务站' });
    return { id, status: 'accepted' as const, personId: t.person_id };
  });
}

export async function refuseTransfer(db: Db, user: User, id: string, reason: string, now: Date): Promise<{ id: string; status: 'refused' }> {
  return db.transaction().execute(async (trx) => {
    await pendingIncoming(trx, user, id);
    await decideTransfer(trx, id, { status: 'refused', by: user.id, at: now, reason });
    return { id, status: 'refused' as const };
  });
}

/** A request made from the user's area, as its maker sees it (what they typed, and the outcome). */
export async function findOutgoingTransfer(db: Executor, user: User, id: string) {
  const r = await findOutgoing(db, user.stationPath, id);
  return r && { id: r.id, name: r.name, status: r.status, reason: r.decision_reason, personId: r.status === 'accepted' ? r.person_id : null };
}
