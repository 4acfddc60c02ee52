import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { PersonCorrectionTable } from './person.table.ts';

/** Appends history rows of corrections (values already sealed where the field is). */
export async function insertCorrections(trx: Executor, rows: Insertable<PersonCorrectionTable>[]): Promise<void> {
  await trx.insertInto('person_corrections').values(rows).execute();
}

/** A person's correction rows with who made them, oldest first; values as stored (sealed ones sealed). */
export async function correctionRows(db: Executor, personId: string) {
  return db.selectFrom('person_corrections as c').innerJoin('users as u', 'u.id', 'c.corrected_by')
    .select(['c.id', 'c.field', 'c.old_value', 'c.new_value', 'c.reason', 'c.corrected_at', 'u.id as user_id', 'u.display_name'])
    .where('c.person_id', '=', personId).orderBy('c.id').execute();
}

/** Writes changed columns of a person's row (the caller has locked it). */
export async function updatePersonColumns(
  trx: Executor,
  personId: string,
  set: Record<string, unknown>,
): Promise<void> {
  await trx.updateTable('persons').set(set).where('id', '=', personId).execute();
}
