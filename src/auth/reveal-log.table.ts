import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.ts';

export interface RevealLogTable {
  id: Generated<string>;
  user_id: string;
  subject: string;
  fields: Json<string[]>;
  at: Timestamp;
}
