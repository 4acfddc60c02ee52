import type { Db } from '../db/database.ts';
import { personsByIds, type Person } from '../persons/person.service.ts';
import type { User } from '../users/user.service.ts';
import {
  deleteDraft, findDraft, listMyDrafts, lockDraftVersion, writeDraft, type Draft, type DraftKey, type DraftListItem,
} from './draft.repository.ts';

export type { Draft };
export { deleteDraft, findDraft };

export type SavedDraft = { ok: true; version: number } | { ok: false; current: Draft };

/**
 * Saves a draft. `expectedDraftVersion` (the version the form was loaded with; 0 for none)
 * must match the stored one, else nothing is written and the stored draft is returned.
 */
export async function saveDraft(
  db: Db, d: DraftKey & { data: Record<string, unknown>; caseVersion: number; now: Date },
  expectedDraftVersion?: number,
): Promise<SavedDraft> {
  return db.transaction().execute(async (trx) => {
    const current = await lockDraftVersion(trx, d);
    if (expectedDraftVersion !== undefined && (current ?? 0) !== expectedDraftVersion) {
      return { ok: false as const, current: (await findDraft(trx, d.caseId, d.userId, d.eventType))! };
    }
    const version = (current ?? 0) + 1;
    await writeDraft(trx, { ...d, version });
    return { ok: true as const, version };
  });
}

/** Cases in the user's area they have drafts on, newest first (the home page), with whom and what each is for. */
export async function myDrafts(db: Db, user: User, limit: number): Promise<(DraftListItem & { person: Person })[]> {
  const drafts = await listMyDrafts(db, user.id, user.stationPath, limit);
  const found = await personsByIds(db, drafts.map((d) => d.personId), user.stationPath);
  const persons = new Map(found.map((p) => [p.id, p]));
  return drafts.flatMap((d) => {
    const person = persons.get(d.personId);
    return person ? [{ ...d, person }] : [];
  });
}
