import type { Timestamp } from '../db/column-types.ts';

/**
 * Wrong passwords in a row per user-name string and client address
 * ('*': all addresses), and the lock they set (migration 0013).
 */
export interface LoginFailureTable {
  username: string;
  client: string;
  failures: number;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
}

/** Login attempts per client address in the minute from its first one, shared by every instance (migration 0013). */
export interface LoginAttemptTable {
  client: string;
  window_start: Timestamp;
  attempts: number;
}
