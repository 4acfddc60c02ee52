import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { PersonTable } from './person.table.ts';
import { blindIndex, dataKeys, decryptField, encryptField } from '../crypto/data-key.ts';
import { isoDay } from '../db/dates.ts';
import { withinArea } from '../jurisdiction/within-area.ts';

export interface Person {
  id: string;
  name: string;
  idNumber: string;
  sex: 'male' | 'female';
  birthDate: string;
  phone: string | null;
  stationId: string;
  stationPath: string;
  attributes: Record<string, unknown>;
  createdAt: Date;
}

export type PersonRow = Selectable<PersonTable>;

/** A person as the service works with it, from its row: ID number and phone opened. */
export function toPerson(r: PersonRow): Person {
  const birthDate = isoDay(r.birth_date);
  const keys = dataKeys();
  return {
    id: r.id, name: r.name, idNumber: decryptField(keys, r.id_number_enc, `persons.id_number:${r.id}`), sex: r.sex,
    birthDate, phone: r.phone_enc === null ? null : decryptField(keys, r.phone_enc, `persons.phone:${r.id}`),
    stationId: r.station_id, stationPath: r.station_path,
    attributes: r.attributes as unknown as Record<string, unknown>, createdAt: r.created_at,
  };
}

/** Finds a person inside a jurisdiction (station subtree); outside it, the person does not exist. */
export async function findPerson(db: Executor, id: string, scopePath: string): Promise<Person | undefined> {
  const r = await db.selectFrom('persons').selectAll().where('id', '=', id)
    .where(withinArea('station_path', scopePath)).executeTakeFirst();
  return r && toPerson(r);
}

/** The persons of these ids inside a jurisdiction (a list's page of cases names its subjects). */
export async function personsByIds(db: Executor, ids: string[], scopePath: string): Promise<Person[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('persons').selectAll().where('id', 'in', [...new Set(ids)])
    .where(withinArea('station_path', scopePath)).execute();
  return rows.map(toPerson);
}

export async function searchPersons(
  db: Executor, q: { idNumber?: string; name?: string; namePart?: string }, scopePath: string, limit: number,
): Promise<Person[]> {
  let query = db.selectFrom('persons').selectAll()
    .where(withinArea('station_path', scopePath));
  const literal = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (q.idNumber) query = query.where('id_number_hash', '=', idNumberHash(q.idNumber));
  if (q.name) query = query.where('name', 'like', `${literal(q.name)}%`);
  if (q.namePart) query = query.where('name', 'like', `%${literal(q.namePart)}%`);
  const rows = await query.orderBy('name').limit(limit).execute();
  return rows.map(toPerson);
}

/** The keyed hash an ID number is looked up by (upper-case X, as stored). */
export function idNumberHash(idNumber: string): string {
  return blindIndex(dataKeys(), 'id_number', idNumber.trim().toUpperCase());
}

/** The stored (encrypted) columns of a person's ID number and phone, for every writer of the table. */
export function personSecretColumns(id: string, idNumber: string, phone: string | null): Pick<PersonTable, 'id_number_enc' | 'id_number_hash' | 'phone_enc'> {
  const keys = dataKeys();
  const normalized = idNumber.trim().toUpperCase();
  return {
    id_number_enc: encryptField(keys, normalized, `persons.id_number:${id}`),
    id_number_hash: idNumberHash(normalized),
    phone_enc: phone === null ? null : encryptField(keys, phone, `persons.phone:${id}`),
  };
}

/**
 * Who holds this ID number, anywhere: for registration only, which must never tell a clerk
 * about a file outside their area (src/persons/person.service.ts).
 */
export async function findHolderOfIdNumber(
  db: Executor, idNumber: string,
): Promise<{ id: string; stationId: string; stationPath: string } | undefined> {
  const r = await db.selectFrom('persons').select(['id', 'station_id', 'station_path']).where('id_number_hash', '=', idNumberHash(idNumber)).executeTakeFirst();
  return r && { id: r.id, stationId: r.station_id, stationPath: r.station_path };
}

export async function insertPerson(db: Executor, p: Omit<Person, 'createdAt'>, createdBy: string, now: Date): Promise<void> {
  await db.insertInto('persons').values({
    id: p.id, name: p.name, ...personSecretColumns(p.id, p.idNumber, p.phone), sex: p.sex, birth_date: p.birthDate,
    station_id: p.stationId, station_path: p.stationPath, attributes: JSON.stringify(p.attributes),
    created_by: createdBy, created_at: now,
  }).execute();
}

export async function insertRelation(
  db: Executor, personId: string, relatedId: string, relation: string,
): Promise<void> {
  await db.insertInto('person_relations').values({ person_id: personId, related_person_id: relatedId, relation })
    .onConflict((oc) => oc.columns(['person_id', 'related_person_id']).doUpdateSet({ relation })).execute();
}

/** A person's relatives that the user's jurisdiction holds: to anyone else a relative outside it does not exist. */
export async function listRelations(
  db: Executor, personId: string, scopePath: string,
): Promise<{ personId: string; name: string; relation: string }[]> {
  const rows = await db.selectFrom('person_relations').innerJoin('persons', 'persons.id', 'person_relations.related_person_id')
    .select(['persons.id', 'persons.name', 'person_relations.relation']).where('person_relations.person_id', '=', personId)
    .where(withinArea('persons.station_path', scopePath)).execute();
  return rows.map((r) => ({ personId: r.id, name: r.name, relation: r.relation }));
}

/** Serialises work on one person (e.g. opening cases) without touching other persons. */
export async function lockPerson(db: Executor, id: string): Promise<void> {
  await sql`select 1 from persons where id = ${id} for update`.execute(db);
}
