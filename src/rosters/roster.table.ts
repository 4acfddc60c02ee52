import type { Json, Timestamp } from '../db/column-types.ts';

/** The tables of migration 20261124T0007_rosters that rosters and batch actions own. */
export interface RosterTables {
  rosters: RosterTable;
  roster_rows: RosterRowTable;
  batch_actions: BatchActionTable;
  batch_action_cases: BatchActionCaseTable;
}

export interface RosterTable {
  id: string;
  workflow_id: string;
  period: string;
  file_name: string;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  mapping: Json<Record<string, string>>;
  defaults: Json<Record<string, unknown>>;
  headers: Json<string[]>;
  status: 'preview' | 'committed' | 'discarded';
  row_count: number;
  valid_count: number;
  duplicate_count: number;
  error_count: number;
  created_count: number | null;
  station_id: string;
  station_path: string;
  uploaded_by: string;
  created_at: Timestamp;
  committed_by: string | null;
  committed_at: Timestamp | null;
}

export interface RosterRowTable {
  roster_id: string;
  row_no: number;
  data_enc: string;
  display: Json<{ name: string; idMasked: string; station: string | null }>;
  status: 'valid' | 'duplicate' | 'error' | 'created';
  errors: Json<{ field: string; message: string }[]>;
  person_id: string | null;
  case_id: string | null;
}

export interface BatchActionTable {
  id: string;
  workflow_id: string;
  state: string;
  event_type: string;
  roster_id: string | null;
  case_count: number;
  succeeded: number;
  failed: number;
  status: 'running' | 'done';
  created_by: string;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

interface BatchActionCaseTable {
  batch_id: string;
  position: number;
  case_id: string;
  ok: boolean | null;
  event_seq: number | null;
  code: string | null;
  message: string | null;
  errors: Json<unknown> | null;
}
