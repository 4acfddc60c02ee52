import type { Executor } from '../db/database.ts';
import { isoDay } from '../db/dates.ts';
import type { PolicyDocument } from '../definitions/policy-document.ts';

/** A standard's value from a date, with the document it comes from. */
export interface StandardValue {
  key: string;
  value: unknown;
  unit: string;
  effectiveFrom: string;
  policyDocument: PolicyDocument;
  note: string;
}

export interface LocalStandard extends StandardValue {
  id: string;
  author: string | null;
  createdAt: Date;
}

export type NewLocalStandard = StandardValue & { id: string; authorId: string; createdAt: Date };

/** Standards by key, each key's newest first; with `on`, none that start after that day. */
export async function listStandards(db: Executor, f: { key?: string; on?: string }): Promise<LocalStandard[]> {
  let q = db.selectFrom('local_standards as s').leftJoin('users as u', 'u.id', 's.author')
    .select(['s.id', 's.key', 's.value', 's.unit', 's.effective_from', 's.policy_document', 's.note', 'u.display_name', 's.created_at']);
  if (f.key) q = q.where('s.key', '=', f.key);
  if (f.on) q = q.where('s.effective_from', '<=', f.on);
  const rows = await q.orderBy('s.key').orderBy('s.effective_from', 'desc').execute();
  return rows.map((r) => ({
    id: r.id, key: r.key, value: r.value, unit: r.unit, effectiveFrom: isoDay(r.effective_from),
    policyDocument: r.policy_document, note: r.note, author: r.display_name, createdAt: r.created_at,
  }));
}

export async function insertStandard(db: Executor, s: NewLocalStandard): Promise<void> {
  await db.insertInto('local_standards').values({
    id: s.id, key: s.key, value: JSON.stringify(s.value), unit: s.unit, effective_from: s.effectiveFrom,
    policy_document: JSON.stringify(s.policyDocument), note: s.note, author: s.authorId, created_at: s.createdAt,
  }).execute();
}
