import type { Timestamp } from '../db/column-types.ts';

/** One row per case and period paid, beside the RECORD_PAYMENT entry that paid it (migration 0012). */
export interface PaymentRecordTable {
  case_id: string;
  period: string;
  event_seq: number;
  recorded_at: Timestamp;
}
