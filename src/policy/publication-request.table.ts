import type { Timestamp } from '../db/column-types.ts';

/** A request to publish a draft as it stood (its sha256), and how it ended. */
export interface PublicationRequestTable {
  id: string;
  workflow_id: string;
  version: number;
  draft_sha256: string;
  /** The version in force when it was requested: the diff and impact the requester saw were against it. */
  base_version: number | null;
  effective_from: Timestamp | null;
  requested_by: string;
  requested_at: Timestamp;
  status: 'pending' | 'withdrawn' | 'stale' | 'approved';
  closed_by: string | null;
  closed_at: Timestamp | null;
}
