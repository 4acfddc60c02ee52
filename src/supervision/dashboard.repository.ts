import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { withinArea } from '../jurisdiction/within-area.ts';

export interface StationCounts {
  stationPath: string;
  workflowId: string;
  open: number;
  overdue: number;
  dueSoon: number;
  idle: number;
  escalated: number;
}

/** Open-case counts per subject station and item, for the station and item reports. */
export async function openCounts(
  db: Executor, scopePath: string, now: Date, soonUntil: Date, idleSince: Date,
): Promise<StationCounts[]> {
  const rows = await sql<{ station_path: string; workflow_id: string; open: string; overdue: string; due_soon: string; idle: string; escalated: string }>`
    select station_path, workflow_id, count(*) as open,
      count(*) filter (where due_at < ${now}) as overdue,
      count(*) filter (where due_at >= ${now} and due_at < ${soonUntil}) as due_soon,
      count(*) filter (where last_event_at < ${idleSince}) as idle,
      count(*) filter (where escalated_at is not null) as escalated
    from cases where status = 'open' and ${withinArea('station_path', scopePath)}
    group by station_path, workflow_id`.execute(db);
  return rows.rows.map((r) => ({
    stationPath: r.station_path, workflowId: r.workflow_id, open: Number(r.open), overdue: Number(r.overdue),
    dueSoon: Number(r.due_soon), idle: Number(r.idle), escalated: Number(r.escalated),
  }));
}

export interface StepStats {
  workflowId: string;
  state: string;
  entries: number;
  medianHours: number | null;
  p90Hours: number | null;
  returned: number;
  refused: number;
}

/**
 * Time spent per item and step over a period (from entering a step to the next machine event),
 * and how often a step returned a case for materials or refused it.
 */
export async function stepStats(
  db: Executor, scopePath: string, from: Date, to: Date, refusingStates: { workflowId: string; state: string }[],
): Promise<StepStats[]> {
  const refusing = refusingStates.map((r) => `${r.workflowId}|${r.state}`);
  const rows = await sql<{ workflow_id: string; state: string; entries: string; median_h: number | null; p90_h: number | null; returned: string; refused: string }>`
    with steps as (
      select c.workflow_id, e.to_state as state, e.at as entered,
        lead(e.at) over (partition by e.case_id order by e.seq) as left_at,
        lead(e.type) over (partition by e.case_id order by e.seq) as next_type,
        lead(e.to_state) over (partition by e.case_id order by e.seq) as next_state
      from case_events e join cases c on c.id = e.case_id
      where e.kind = 'machine' and ${withinArea('c.station_path', scopePath)}
    )
    select workflow_id, state, count(*) as entries,
      percentile_cont(0.5) within group (order by extract(epoch from (left_at - entered)) / 3600) filter (where left_at is not null) as median_h,
      percentile_cont(0.9) within group (order by extract(epoch from (left_at - entered)) / 3600) filter (where left_at is not null) as p90_h,
      count(*) filter (where next_type = 'RETURN') as returned,
      count(*) filter (where (workflow_id || '|' || next_state) = any(${refusing})) as refused
    from steps where entered >= ${from} and entered < ${to}
    group by workflow_id, state order by workflow_id, state`.execute(db);
  return rows.rows.map((r) => ({
    workflowId: r.workflow_id, state: r.state, entries: Number(r.entries),
    medianHours: r.median_h === null ? null : Number(r.median_h), p90Hours: r.p90_h === null ? null : Number(r.p90_h),
    returned: Number(r.returned), refused: Number(r.refused),
  }));
}

export interface OpenAges {
  workflowId: string;
  state: string;
  open: number;
  medianHours: number;
  p90Hours: number;
}

/** How long the open cases have sat in the step they are at now, per item and step. */
export async function openStepAges(db: Executor, scopePath: string, now: Date): Promise<OpenAges[]> {
  const rows = await sql<{ workflow_id: string; state: string; open: string; median_h: number; p90_h: number }>`
    select workflow_id, state, count(*) as open,
      percentile_cont(0.5) within group (order by extract(epoch from (${now}::timestamptz - step_entered_at)) / 3600) as median_h,
      percentile_cont(0.9) within group (order by extract(epoch from (${now}::timestamptz - step_entered_at)) / 3600) as p90_h
    from cases where status = 'open' and step_entered_at is not null and ${withinArea('station_path', scopePath)}
    group by workflow_id, state order by workflow_id, state`.execute(db);
  return rows.rows.map((r) => ({
    workflowId: r.workflow_id, state: r.state, open: Number(r.open),
    medianHours: Number(r.median_h), p90Hours: Number(r.p90_h),
  }));
}
