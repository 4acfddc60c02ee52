import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;
type Json<T> = ColumnType<T, string, string>;
type Day = ColumnType<string, string, string>;
type Fen = ColumnType<string | number, number, number>;

/**
 * The tables of migration 20261124T0007_rosters, added to the service's Database type here so
 * the shared src/db/database.ts stays as it is.
 */
declare module '../db/database.ts' {
  interface Database {
    rosters: RosterTable;
    roster_rows: RosterRowTable;
    batch_actions: BatchActionTable;
    batch_action_cases: BatchActionCaseTable;
    payment_batches: PaymentBatchTable;
    payments: PaymentTable;
    confirmation_runs: ConfirmationRunTable;
    confirmation_entries: ConfirmationEntryTable;
  }
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

export interface BatchActionCaseTable {
  batch_id: string;
  position: number;
  case_id: string;
  ok: boolean | null;
  event_seq: number | null;
  code: string | null;
  message: string | null;
  errors: Json<unknown> | null;
}

export interface PaymentBatchTable {
  id: string;
  number: string;
  workflow_id: string;
  period: string;
  status: 'draft' | 'approved' | 'exported' | 'recording' | 'recorded' | 'cancelled';
  line_count: number;
  total_fen: Fen;
  standards: Json<unknown>;
  station_path: string;
  created_by: string;
  created_at: Timestamp;
  approved_by: string | null;
  approved_at: Timestamp | null;
  exported_at: Timestamp | null;
  export_sha256: string | null;
  recorded_by: string | null;
  recorded_at: Timestamp | null;
  paid_on: Day | null;
  cancelled_at: Timestamp | null;
  /** Migration 0012: fixed by the first claim to record, with the day paid. */
  bank_reference: ColumnType<string | null, string | null | undefined, string | null>;
  /** Migration 0012: the token of the request recording the batch now, and its last sign of life. */
  recording_claim: ColumnType<string | null, string | null | undefined, string | null>;
  recording_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface PaymentTable {
  id: string;
  batch_id: string;
  line_no: number;
  case_id: string;
  period: string;
  months: number;
  multiplier_percent: number;
  annual_fen: Fen;
  amount_fen: Fen;
  payee_name: string;
  bank_name: string;
  bank_account_enc: string;
  status: 'pending' | 'paid' | 'failed';
  event_seq: number | null;
  error: string | null;
}

export interface ConfirmationRunTable {
  id: string;
  workflow_id: string;
  year: number;
  status: 'open' | 'closed';
  station_path: string;
  created_by: string;
  created_at: Timestamp;
  closed_by: string | null;
  closed_at: Timestamp | null;
}

export interface ConfirmationEntryTable {
  run_id: string;
  case_id: string;
  position: number;
  status: 'pending' | 'confirmed' | 'suspended' | 'failed';
  event_seq: number | null;
  by_user: string | null;
  at: Timestamp | null;
  error: string | null;
}
