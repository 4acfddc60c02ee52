import type { Json, Timestamp } from '../db/column-types.ts';

/** What a clerk typed into a step's form before sending it (migration 0005); `data` is sealed. */
export interface DraftTable {
  case_id: string;
  user_id: string;
  event_type: string;
  data: Json<Record<string, unknown>>;
  /** The case version the clerk had seen when saving. */
  case_version: number;
  /** Counts the saves, so that two windows of the same clerk do not overwrite each other unseen. */
  version: number;
  updated_at: Timestamp;
}
