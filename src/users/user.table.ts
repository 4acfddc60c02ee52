import type { Generated } from 'kysely';
import type { Timestamp } from '../db/column-types.ts';
import type { Role } from './user.types.ts';

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  station_id: string;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Timestamp;
}
