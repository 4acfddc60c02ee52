import type { ColumnType } from 'kysely';
import type { Day, Json, Timestamp } from '../db/column-types.ts';

/** An amount in fen: pg hands `bigint` back as a string. */
type Fen = ColumnType<string | number, number, number>;

/** The tables of migration 20261124T0007_rosters that payment batches and confirmation runs own. */
export interface PaymentTables {
  payment_batches: PaymentBatchTable;
  payments: PaymentTable;
  confirmation_runs: ConfirmationRunTable;
  confirmation_entries: ConfirmationEntryTable;
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

interface ConfirmationEntryTable {
  run_id: string;
  case_id: string;
  position: number;
  status: 'pending' | 'confirmed' | 'suspended' | 'failed';
  event_seq: number | null;
  by_user: string | null;
  at: Timestamp | null;
  error: string | null;
}
