import type { Timestamp } from '../db/column-types.ts';

export interface DataKeyTable {
  kid: string;
  created_at: Timestamp;
}
