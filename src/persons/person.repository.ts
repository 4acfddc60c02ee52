import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Executor, PersonTable } from '../db/database.ts';

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

function toPerson(r: Selectable<PersonTable>): Person {
  const b = r.birth_date as unknown;
  const birthDate = b instanceof Date ? `${b.getFullYear()}-${String(b.getMonth() + 1).padStart(2, '0')}-${String(b.getDate()).padStart(2, '0')}` : String(b);
  return {
    id: r.id, name: r.name, idNumber: r.id_number, sex: r.sex, birthDate, phone: r.phone,
    stationId: r.station_id, stationPath: r.station_path, attributes: r.attributes as unknown as Record<string, unknown>, createdAt: r.created_at,
  };
}

/** Finds a person inside a jurisdiction (station subtree); outside it, the person does not exist. */
export async function findPerson(db: Executor, id: string, scopePath: string): Promise<Person | undefined> {
  const r = await db.selectFrom('persons').selectAll().where('id', '=', id)
    .where((eb) => eb.or([eb('station_path', '=', scopePath), eb('station_path', 'like', `${scopePath}.%`)])).executeTakeFirst();
  return r && toPerson(r);
}

export async function searchPersons(db: Executor, q: { idNumber?: string; name?: string }, scopePath: string, limit: number): Promise<Person[]> {
  let query = db.selectFrom('persons').selectAll()
    .where((eb) => eb.or([eb('station_path', '=', scopePath), eb('station_path', 'like', `${scopePath}.%`)]));
  if (q.idNumber) query = query.where('id_number', '=', q.idNumber);
  if (q.name) query = query.where('name', 'like', `${q.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = await query.orderBy('name').limit(limit).execute();
  return rows.map(toPerson);
}

export async function insertPerson(db: Executor, p: Omit<Person, 'createdAt'>, createdBy: string, now: Date): Promise<void> {
  await db.insertInto('persons').values({
    id: p.id, name: p.name, id_number: p.idNumber, sex: p.sex, birth_date: p.birthDate, phone: p.phone,
    station_id: p.stationId, station_path: p.stationPath, attributes: JSON.stringify(p.attributes), created_by: createdBy, created_at: now,
  }).execute();
}

export async function insertRelation(db: Executor, personId: string, relatedId: string, relation: string): Promise<void> {
  await db.insertInto('person_relations').values({ person_id: personId, related_person_id: relatedId, relation })
    .onConflict((oc) => oc.columns(['person_id', 'related_person_id']).doUpdateSet({ relation })).execute();
}

export async function listRelations(db: Executor, personId: string): Promise<{ personId: string; name: string; relation: string }[]> {
  const rows = await db.selectFrom('person_relations').innerJoin('persons', 'persons.id', 'person_relations.related_person_id')
    .select(['persons.id', 'persons.name', 'person_relations.relation']).where('person_relations.person_id', '=', personId).execute();
  return rows.map((r) => ({ personId: r.id, name: r.name, relation: r.relation }));
}

/** Serialises work on one person (e.g. opening cases) without touching other persons. */
export async function lockPerson(db: Executor, id: string): Promise<void> {
  await sql`select 1 from persons where id = ${id} for update`.execute(db);
}
