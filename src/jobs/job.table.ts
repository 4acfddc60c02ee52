import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.ts';

export interface JobTable {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  params: Json<Record<string, unknown>>;
  progress: ColumnType<Record<string, unknown>, string | undefined, string>;
  result: Json<unknown> | null;
  error: string | null;
  created_by: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}
