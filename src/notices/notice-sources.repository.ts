import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/**
 * What a notice is made from, read inside the step's transaction that issues it: the history entry,
 * the case, its district (the first segment of its station path) and station, who acted and the applicant.
 */
export async function readNoticeSources(trx: Executor, caseId: string, eventSeq: number, actorId: string | null) {
  const event = await trx.selectFrom('case_events').select(['type', 'payload', 'from_state', 'to_state'])
    .where('case_id', '=', caseId).where('seq', '=', eventSeq).executeTakeFirstOrThrow();
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const district = await trx.selectFrom('stations').select(['id', 'name_zh'])
    .where('path', '=', c.station_path.split('.')[0]!).executeTakeFirstOrThrow();
  const station = await trx.selectFrom('stations').select('name_zh').where('id', '=', c.station_id).executeTakeFirstOrThrow();
  const handler = actorId
    ? (await trx.selectFrom('users').select('display_name').where('id', '=', actorId).executeTakeFirst())?.display_name
    : undefined;
  const applicant = c.applicant_id
    ? (await trx.selectFrom('persons').select('name').where('id', '=', c.applicant_id).executeTakeFirst())?.name
    : undefined;
  return { event, c, district, station, handler, applicant };
}

/** Held until the issuing transaction ends; the render job takes its shared form, so it waits for the commit. */
export async function lockNewNotice(trx: Executor, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${id}, 0))`.execute(trx);
}
