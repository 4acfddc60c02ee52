import { dataKeys, decryptField, encryptField } from '../crypto/data-key.ts';
import { isSealedField } from '../crypto/sealed-data.ts';
import type { Db, Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { maskIdNumber, maskPhone } from '../http/mask.ts';
import type { User } from '../users/user.repository.ts';
import { parseIdNumber } from '../personal-numbers/id-number.ts';
import { findHolderOfIdNumber, findPerson, lockPerson, personSecretColumns } from './person.repository.ts';
import { correctionRows, insertCorrections, updatePersonColumns } from './person-correction.repository.ts';

/*
 * Corrections of a person's particulars after registration (一人一档 must be right: a name
 * mistyped at the counter is on every notice). Each changed field is one row of
 * person_corrections (append-only): the value before and after, who, when and why; ID numbers and
 * phones in it are sealed as in the file. The ID number (and with it sex and birth date, which it
 * holds) is corrected by district staff only: it is what the person is found and de-duplicated by.
 */

export interface PersonChanges {
  name?: string;
  phone?: string | null;
  idNumber?: string;
  attributes?: Record<string, unknown>;
}

export interface FieldChange {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

function cell(v: unknown): string | null {
  return v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
}

function aad(id: string, column: 'old_value' | 'new_value'): string {
  return `person_corrections.${column}:${id}`;
}

/** Writes one history row per changed field (inside the caller's transaction). */
export async function recordCorrections(
  trx: Executor, personId: string, changes: FieldChange[], reason: string, userId: string, now: Date,
): Promise<void> {
  if (!changes.length) return;
  const keys = dataKeys();
  await insertCorrections(trx, changes.map((c) => {
    const id = newId(now.getTime());
    const seal = (v: string | null, column: 'old_value' | 'new_value') => (v !== null && isSealedField(c.field) ? encryptField(keys, v, aad(id, column)) : v);
    return { id, person_id: personId, field: c.field, old_value: seal(c.oldValue, 'old_value'), new_value: seal(c.newValue, 'new_value'), reason, corrected_by: userId, corrected_at: now };
  }));
}

/** The person's corrections, oldest first; ID numbers and phones masked unless revealed. */
export async function listCorrections(db: Executor, personId: string, reveal: boolean) {
  const rows = await correctionRows(db, personId);
  const keys = dataKeys();
  const show = (field: string, v: string | null, id: string, column: 'old_value' | 'new_value') => {
    if (v === null || !isSealedField(field)) return v;
    const plain = decryptField(keys, v, aad(id, column));
    return reveal ? plain : field === 'idNumber' ? maskIdNumber(plain) : maskPhone(plain);
  };
  return rows.map((r) => ({
    field: r.field, oldValue: show(r.field, r.old_value, r.id, 'old_value'), newValue: show(r.field, r.new_value, r.id, 'new_value'),
    reason: r.reason, correctedBy: { id: r.user_id, name: r.display_name }, correctedAt: r.corrected_at.toISOString(),
  }));
}

const NOTHING = { zh: '所填内容与档案一致，没有需要更正的内容', en: 'Nothing differs from the file: there is nothing to correct' };

/** Corrects a person of the user's area; outside it the person does not exist. Returns the fields changed. */
export async function correctPerson(
  db: Db, user: User, personId: string, changes: PersonChanges, reason: string, now: Date,
): Promise<FieldChange[]> {
  authorize(user, 'person.correct');
  return db.transaction().execute(async (trx) => {
    await lockPerson(trx, personId);
    const p = await findPerson(trx, personId, user.stationPath);
    if (!p) throw new AppError('NOT_FOUND');
    const out: FieldChange[] = [];
    const set: Record<string, unknown> = {};
    const name = changes.name?.trim();
    if (name !== undefined && name !== p.name) {
      out.push({ field: 'name', oldValue: p.name, newValue: name });
      set.name = name;
    }
    let phone = p.phone;
    if (changes.phone !== undefined && changes.phone !== p.phone) {
      out.push({ field: 'phone', oldValue: p.phone, newValue: changes.phone });
      phone = changes.phone;
    }
    let idNumber = p.idNumber;
    const nextId = changes.idNumber?.toUpperCase();
    if (nextId !== undefined && nextId !== p.idNumber) {
      authorize(user, 'person.correct-id-number');
      // A district user's area is the whole district: naming the holder of the number tells nothing new.
      if (await findHolderOfIdNumber(trx, nextId)) throw new AppError('PERSON_EXISTS');
      const facts = parseIdNumber(nextId)!;
      out.push({ field: 'idNumber', oldValue: p.idNumber, newValue: nextId });
      if (facts.sex !== p.sex) out.push({ field: 'sex', oldValue: p.sex, newValue: facts.sex });
      if (facts.birthDate !== p.birthDate) out.push({ field: 'birthDate', oldValue: p.birthDate, newValue: facts.birthDate });
      Object.assign(set, { sex: facts.sex, birth_date: facts.birthDate });
      idNumber = nextId;
    }
    const attributes = { ...p.attributes };
    for (const [key, value] of Object.entries(changes.attributes ?? {})) {
      if (cell(value) === cell(p.attributes[key])) continue;
      out.push({ field: `attributes.${key}`, oldValue: cell(p.attributes[key]), newValue: cell(value) });
      if (value === null) delete attributes[key];
      else attributes[key] = value;
    }
    if (!out.length) throw new AppError('VALIDATION_FAILED', { detail: NOTHING });
    if (changes.attributes) set.attributes = JSON.stringify(attributes);
    if (idNumber !== p.idNumber || phone !== p.phone) Object.assign(set, personSecretColumns(p.id, idNumber, phone));
    try {
      await updatePersonColumns(trx, p.id, set);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError('PERSON_EXISTS');
      throw err;
    }
    await recordCorrections(trx, p.id, out, reason.trim(), user.id, now);
    return out;
  });
}
