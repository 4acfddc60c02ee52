import { sql } from 'kysely';
import { sendEvent, type CaseDeps } from '../cases/case.service.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import { shanghaiParts } from '../time/shanghai.ts';
import type { User } from '../users/user.repository.ts';
import { ruleFor } from './payment.service.ts';
import '../rosters/tables.ts';

/**
 * Yearly confirmation of recurring payments (军人抚恤优待条例第八条): a run lists everyone being
 * paid, records who was confirmed (CONFIRM_YEAR on the case), and at its close stops the
 * payment of those who were not (STOP, with its notice).
 */

function inScope(path: string) {
  return sql<boolean>`(cases.station_path = ${path} or cases.station_path like ${`${path}.%`})`;
}

export async function startRun(deps: CaseDeps, user: User, input: { workflowId: string; year: number }) {
  authorize(user, 'payment.confirm');
  // Confirming and closing fill in the item's own forms, which only a paying item's rule knows.
  ruleFor(input.workflowId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('confirmation_runs').select('id').where('workflow_id', '=', input.workflowId).where('year', '=', input.year).executeTakeFirst();
    if (existing) throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: `${input.year}年度确认已经开始`, en: `The ${input.year} confirmation run already exists` }, errors: [{ path: '/year', message: existing.id }] });
    const cases = await trx.selectFrom('cases').select('cases.id').where('cases.workflow_id', '=', input.workflowId).where('cases.state', '=', 'paying')
      .where('cases.status', '=', 'open').where(inScope(user.stationPath)).orderBy('cases.station_path').orderBy('cases.id').execute();
    const id = newId(now.getTime());
    await trx.insertInto('confirmation_runs').values({
      id, workflow_id: input.workflowId, year: input.year, status: 'open', station_path: user.stationPath, created_by: user.id, created_at: now, closed_by: null, closed_at: null,
    }).execute();
    for (let i = 0; i < cases.length; i += 1000) {
      await trx.insertInto('confirmation_entries').values(cases.slice(i, i + 1000).map((c, j) => ({
        run_id: id, case_id: c.id, position: i + j + 1, status: 'pending' as const, event_seq: null, by_user: null, at: null, error: null,
      }))).execute();
    }
    return id;
  });
}

async function findRun(db: Executor, user: User, id: string) {
  return db.selectFrom('confirmation_runs').selectAll().where('id', '=', id)
    .where((eb) => eb.or([eb('station_path', '=', user.stationPath), eb('station_path', 'like', `${user.stationPath}.%`)])).executeTakeFirst();
}

export async function runView(db: Executor, user: User, id: string) {
  const r = await findRun(db, user, id);
  if (!r) return undefined;
  const entries = await db.selectFrom('confirmation_entries as e').innerJoin('cases', 'cases.id', 'e.case_id').innerJoin('persons', 'persons.id', 'cases.person_id')
    .leftJoin('users', 'users.id', 'e.by_user')
    .select(['e.case_id', 'e.position', 'e.status', 'e.event_seq', 'e.at', 'e.error', 'persons.name', 'users.display_name', 'cases.state'])
    .where('e.run_id', '=', id).orderBy('e.position').execute();
  return {
    id: r.id, workflowId: r.workflow_id, year: r.year, status: r.status, createdAt: r.created_at.toISOString(), closedAt: r.closed_at?.toISOString() ?? null,
    counts: Object.fromEntries(['pending', 'confirmed', 'suspended', 'failed'].map((s) => [s, entries.filter((e) => e.status === s).length])),
    entries: entries.map((e) => ({
      caseId: e.case_id, personName: e.name, status: e.status, state: e.state, ...(e.event_seq ? { eventSeq: e.event_seq } : {}),
      ...(e.display_name ? { by: e.display_name, at: e.at?.toISOString() } : {}), ...(e.error ? { error: e.error } : {}),
    })),
  };
}

async function step(deps: CaseDeps, user: User, caseId: string, type: string, data: Record<string, unknown>, key: string, lang: Lang) {
  try {
    const c = await deps.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow();
    const view = await sendEvent(deps, user, caseId, { type, data, expectedVersion: c.version }, key, lang);
    return { ok: true as const, seq: view.version };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { ok: false as const, error: `${err.code}: ${errorText(lang, err)}${err.extras.errors?.length ? `（${err.extras.errors.map((e) => e.message).join('；')}）` : ''}` };
  }
}

/** Records the confirmation of the given cases: CONFIRM_YEAR with the run's year (in the item's field) and the common data. */
export async function confirmCases(deps: CaseDeps, user: User, runId: string, input: { caseIds: string[]; data: Record<string, unknown> }, lang: Lang) {
  authorize(user, 'payment.confirm');
  const r = await findRun(deps.db, user, runId);
  if (!r) throw new AppError('NOT_FOUND');
  if (r.status !== 'open') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '本年度确认已结束', en: 'This confirmation run is closed' } });
  const pending = await deps.db.selectFrom('confirmation_entries').select(['case_id']).where('run_id', '=', runId).where('case_id', 'in', input.caseIds.length ? input.caseIds : ['-'])
    .where('status', 'in', ['pending', 'failed']).orderBy('position').execute();
  const { yearField } = ruleFor(r.workflow_id).confirmation;
  const results = [];
  for (const p of pending) {
    const out = await step(deps, user, p.case_id, 'CONFIRM_YEAR', { ...input.data, [yearField]: r.year }, `confirm:${runId}`, lang);
    await deps.db.updateTable('confirmation_entries').set(out.ok ? { status: 'confirmed', event_seq: out.seq, by_user: user.id, at: deps.clock.now(), error: null } : { status: 'failed', error: out.error })
      .where('run_id', '=', runId).where('case_id', '=', p.case_id).execute();
    results.push({ caseId: p.case_id, ...out });
  }
  return results;
}

/**
 * Closes the run: every case not confirmed is stopped (STOP with the given form data, by default
 * the item's "not confirmed this year"), each with its notice; the run's list says who.
 */
export async function closeRun(deps: CaseDeps, user: User, runId: string, stopData: Record<string, unknown> | undefined, lang: Lang) {
  authorize(user, 'payment.confirm');
  const r = await findRun(deps.db, user, runId);
  if (!r) throw new AppError('NOT_FOUND');
  if (r.status !== 'open') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '本年度确认已结束', en: 'This confirmation run is closed' } });
  const p = shanghaiParts(deps.clock.now());
  const today = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
  const data = stopData ?? ruleFor(r.workflow_id).confirmation.stop(r.year, today);
  const pending = await deps.db.selectFrom('confirmation_entries').select(['case_id']).where('run_id', '=', runId).where('status', 'in', ['pending', 'failed']).orderBy('position').execute();
  for (const e of pending) {
    const out = await step(deps, user, e.case_id, 'STOP', data, `confirm-stop:${runId}`, lang);
    await deps.db.updateTable('confirmation_entries').set(out.ok ? { status: 'suspended', event_seq: out.seq, by_user: user.id, at: deps.clock.now(), error: null } : { status: 'failed', error: out.error })
      .where('run_id', '=', runId).where('case_id', '=', e.case_id).execute();
  }
  await deps.db.updateTable('confirmation_runs').set({ status: 'closed', closed_by: user.id, closed_at: deps.clock.now() }).where('id', '=', runId).execute();
  return runView(deps.db, user, runId);
}
