import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.ts';

export interface CaseEventTable {
  case_id: string;
  seq: number;
  kind: 'machine' | 'admin';
  type: string;
  payload: Json<Record<string, unknown>>;
  actor_id: string | null;
  from_state: string | null;
  to_state: string | null;
  at: Timestamp;
  /** The case's clock before the step (src/cases/step-timing.ts), for 撤回 to restore. */
  prior_timing: ColumnType<unknown, string | null | undefined, never> | null;
  /**
   * This entry's link in the case's hash chain (src/cases/history-chain.ts); written by appendEvents,
   * and with a new case (case-start.repository.ts).
   */
  hash: string;
}
