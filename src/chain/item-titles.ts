import type { Db } from '../db/database.ts';
import type { Localized } from '../definitions/definition.types.ts';
import { chainItems } from './chain.service.ts';

/** Titles of the items in force, by id. */
export async function itemTitles(db: Db, now: Date): Promise<Map<string, Localized>> {
  return new Map((await chainItems(db, now)).map((i) => [i.workflowId, i.title]));
}
