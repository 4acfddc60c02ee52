import type { Json, Timestamp } from '../db/column-types.ts';

export interface IdempotencyKeyTable {
  user_id: string;
  route: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}
