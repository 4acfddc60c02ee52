import { openJson, sealJson } from '../crypto/sealed-data.ts';
import type { Executor } from '../db/database.ts';
import { withinArea, type Area } from '../jurisdiction/within-area.ts';

export interface Draft {
  caseId: string;
  userId: string;
  eventType: string;
  data: Record<string, unknown>;
  caseVersion: number;
  version: number;
  updatedAt: Date;
}

export interface DraftKey {
  caseId: string;
  userId: string;
  eventType: string;
}

/** A draft holds what was typed, ID numbers and accounts included: sealed like the case's own data. */
const draftScope = (k: DraftKey) => `page_drafts.data:${k.caseId}:${k.userId}:${k.eventType}:`;

function byKey(db: Executor, k: DraftKey) {
  return db.selectFrom('page_drafts').where('case_id', '=', k.caseId).where('user_id', '=', k.userId).where('event_type', '=', k.eventType);
}

export async function findDraft(
  db: Executor, caseId: string, userId: string, eventType: string,
): Promise<Draft | undefined> {
  const k = { caseId, userId, eventType };
  const r = await byKey(db, k).selectAll().executeTakeFirst();
  return r && {
    caseId, userId, eventType, data: openJson(r.data, draftScope(k)), caseVersion: r.case_version, version: r.version,
    updatedAt: r.updated_at,
  };
}

/** The stored version of a draft, its row locked until the transaction ends; undefined when there is none. */
export async function lockDraftVersion(trx: Executor, k: DraftKey): Promise<number | undefined> {
  return (await byKey(trx, k).select(['version']).forUpdate().executeTakeFirst())?.version;
}

/** Writes a draft as version `version` (1 inserts it). */
export async function writeDraft(
  trx: Executor, d: DraftKey & { data: Record<string, unknown>; caseVersion: number; version: number; now: Date },
): Promise<void> {
  const data = JSON.stringify(sealJson(d.data, draftScope(d)));
  if (d.version > 1) {
    await trx.updateTable('page_drafts').set({ data, case_version: d.caseVersion, version: d.version, updated_at: d.now })
      .where('case_id', '=', d.caseId).where('user_id', '=', d.userId).where('event_type', '=', d.eventType).execute();
  } else {
    await trx.insertInto('page_drafts').values({
      case_id: d.caseId, user_id: d.userId, event_type: d.eventType, data, case_version: d.caseVersion,
      version: d.version, updated_at: d.now,
    }).execute();
  }
}

export async function deleteDraft(db: Executor, caseId: string, userId: string, eventType: string): Promise<void> {
  await db.deleteFrom('page_drafts').where('case_id', '=', caseId).where('user_id', '=', userId).where('event_type', '=', eventType).execute();
}

/** A draft as a list shows it: whose case, which item, the step it was typed for and where the case is now. */
export interface DraftListItem {
  caseId: string;
  eventType: string;
  updatedAt: Date;
  personId: string;
  workflowId: string;
  workflowVersion: number;
  /** The step the case was at when the clerk opened the form (the state at the draft's case version). */
  draftState: string | null;
  state: string;
}

/** Open cases inside `area` this user has drafts on, newest first. */
export async function listMyDrafts(db: Executor, userId: string, area: Area, limit: number): Promise<DraftListItem[]> {
  const rows = await db.selectFrom('page_drafts').innerJoin('cases', 'cases.id', 'page_drafts.case_id')
    .leftJoin('case_events', (j) => j.onRef('case_events.case_id', '=', 'page_drafts.case_id')
      .onRef('case_events.seq', '=', 'page_drafts.case_version'))
    .select(['page_drafts.case_id', 'page_drafts.event_type', 'page_drafts.updated_at', 'cases.person_id', 'cases.workflow_id',
      'cases.workflow_version', 'cases.state', 'case_events.to_state'])
    .where('page_drafts.user_id', '=', userId).where('cases.status', '=', 'open').where(withinArea('cases.station_path', area))
    .orderBy('page_drafts.updated_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    caseId: r.case_id, eventType: r.event_type, updatedAt: r.updated_at, personId: r.person_id,
    workflowId: r.workflow_id, workflowVersion: r.workflow_version, draftState: r.to_state, state: r.state,
  }));
}
