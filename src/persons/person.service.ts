import { recordReveal } from '../auth/reveal-log.repository.ts';
import type { Db, Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import { findStation } from '../stations/station.repository.ts';
import { inSubtree } from '../jurisdiction/within-area.ts';
import type { User } from '../users/user.repository.ts';
import { parseIdNumber } from '../personal-numbers/id-number.ts';
import { requestTransfer } from './person-transfer.repository.ts';
import {
  findHolderOfIdNumber, findPerson, insertPerson, insertRelation, searchPersons, type Person,
} from './person.repository.ts';

// Reads the routes make as they are: the repository already scopes them to the user's area.
export { findPerson, listRelations, personsByIds, searchPersons, type Person } from './person.repository.ts';
export { personNames } from './person-names.repository.ts';

/**
 * Candidates for a family member inside the user's area: by the full ID number when one is typed,
 * else by any part of the name (张建国 is found by 建国); at most `limit`, by name.
 */
export async function findRelatives(db: Executor, user: User, q: string, limit: number): Promise<Person[]> {
  const id = q.replace(/\s/g, '').toUpperCase();
  if (/^\d{17}[\dX]$/.test(id)) return searchPersons(db, { idNumber: id }, user.stationPath, limit);
  return searchPersons(db, { namePart: q.trim() }, user.stationPath, limit);
}

/** Every full view of a person's ID number and phone is logged, whoever asks. */
export async function recordPersonReveal(db: Executor, userId: string, personId: string, at: Date): Promise<void> {
  await recordReveal(db, { userId, subject: `person:${personId}`, fields: ['idNumber', 'phone'], at });
}

export interface NewPerson {
  name: string;
  idNumber: string;
  phone?: string;
  stationId?: string;
  attributes?: Record<string, unknown>;
  relations?: { personId: string; relation: string }[];
}

/** A person's name: one line of text (the API and the page share it). */
export const personNameSchema = {
  type: 'string', title: '姓名', 'x-title-en': 'Name', minLength: 1, maxLength: 50, pattern: '^[^\\t\\n]*\\S[^\\t\\n]*$',
  'x-error': { zh: '应为一行文字（1至50个字）', en: 'must be one line of text (1–50 characters)' },
} as const;

const msg = {
  idNumber: { zh: '公民身份号码不正确（应为18位，校验位须符合GB 11643）', en: 'Not a valid citizen ID number (18 characters, GB 11643 check digit)' },
  station: { zh: '人员须登记在本辖区内的村（社区）服务站', en: 'A person must be registered at a village station inside your jurisdiction' },
  relation: { zh: '关联人员不存在或不在本辖区', en: 'The related person does not exist in your jurisdiction' },
};

function invalid(path: string, lang: Lang, m: { zh: string; en: string }): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ path, message: m[lang] }] });
}

/**
 * Registers a person in a village of the user's jurisdiction; sex and birth date come from the ID
 * number. A number held by a station outside the user's area is answered exactly as a free one
 * (the same person-shaped answer, under a new id) but becomes a transfer request to the holding
 * station instead of a second file: outside a user's area a person does not exist, not even by its
 * ID number (docs/adr/0007-registration-without-oracle.md).
 */
export async function registerPerson(db: Db, user: User, input: NewPerson, now: Date, lang: Lang): Promise<Person> {
  const idNumber = input.idNumber.toUpperCase();
  const facts = parseIdNumber(idNumber);
  if (!facts) throw invalid('/idNumber', lang, msg.idNumber);
  const stationId = input.stationId ?? user.stationId;
  const station = await findStation(db, stationId);
  if (!station || station.level !== 'village' || !inSubtree(station.path, user.stationPath)) throw invalid('/stationId', lang, msg.station);
  return db.transaction().execute(async (trx) => {
    const id = newId(now.getTime());
    const person = {
      id, name: input.name.trim(), idNumber, sex: facts.sex, birthDate: facts.birthDate, phone: input.phone ?? null,
      stationId, stationPath: station.path, attributes: input.attributes ?? {},
    };
    for (const [i, r] of (input.relations ?? []).entries()) {
      if (!(await findPerson(trx, r.personId, user.stationPath))) throw invalid(`/relations/${i}/personId`, lang, msg.relation);
    }
    const holder = await findHolderOfIdNumber(trx, idNumber);
    if (holder && inSubtree(holder.stationPath, user.stationPath)) throw new AppError('PERSON_EXISTS');
    if (holder) {
      // Registering the same number again is refused as for a file of one's own.
      const fresh = await requestTransfer(trx, {
        id, personId: holder.id, from: { id: holder.stationId, path: holder.stationPath },
        to: { id: stationId, path: station.path }, name: person.name, user, now,
      });
      if (!fresh) throw new AppError('PERSON_EXISTS');
      return { ...person, createdAt: now };
    }
    try {
      await insertPerson(trx, person, user.id, now);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError('PERSON_EXISTS');
      throw err;
    }
    for (const r of input.relations ?? []) await insertRelation(trx, id, r.personId, r.relation);
    return { ...person, createdAt: now };
  });
}
