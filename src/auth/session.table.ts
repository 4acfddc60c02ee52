import type { Timestamp } from '../db/column-types.ts';

export interface SessionTable {
  token_hash: string;
  user_id: string;
  kind: 'cookie' | 'api';
  created_at: Timestamp;
  expires_at: Timestamp;
}
