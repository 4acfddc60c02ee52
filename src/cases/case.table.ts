import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.ts';

export interface CaseTable {
  id: string;
  /** The number people read (退报-2026-00123, migration 0018); the id stays in URLs and the API. */
  case_no: string;
  workflow_id: string;
  workflow_version: number;
  parent_case_id: string | null;
  person_id: string;
  applicant_id: string | null;
  payee_id: string | null;
  agent: Json<Record<string, unknown> | null> | null;
  station_id: string;
  station_path: string;
  state: string;
  status: 'open' | 'closed';
  exclusive: boolean;
  outcome: string | null;
  version: number;
  snapshot: Json<unknown>;
  step_level: string | null;
  due_at: Timestamp | null;
  assignee_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  timer_at: Timestamp | null;
  step_entered_at: Timestamp | null;
  last_event_at: Timestamp | null;
  due_uncertain: Generated<boolean>;
  paused_state: string | null;
  paused_working_days: number | null;
  overdue_at: Timestamp | null;
  escalated_at: Timestamp | null;
  escalated_to: string | null;
  /** The hash of the last history entry (src/cases/history-chain.ts), so a removed last entry shows too. */
  history_hash: Generated<string | null>;
  /** The period and roster a case was started for by a roster import (migration 0007). */
  period: ColumnType<string | null, string | null | undefined, string | null>;
  roster_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The last machine entry in effect (migration 0019); null: the START, by `created_by`. */
  last_step_seq: ColumnType<number | null, number | null | undefined, number | null>;
  last_step_type: ColumnType<string | null, string | null | undefined, string | null>;
  last_step_actor_id: ColumnType<string | null, string | null | undefined, string | null>;
  last_step_by_batch: Generated<boolean>;
  last_step_noticed: Generated<boolean>;
  /** Someone other than the last step's actor has written to the case since it. */
  others_since_step: Generated<boolean>;
  /** When `assignee_id` claimed the step (认领), while that claim is what holds it. */
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The last serial of each (item abbreviation, Beijing year); the row is locked while a case is being opened. */
export interface CaseNumberCounterTable {
  prefix: string;
  year: number;
  last_serial: number;
}
