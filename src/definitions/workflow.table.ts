import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.ts';
import type { PolicyDocument } from './policy-document.ts';

export interface WorkflowVersionTable {
  workflow_id: string;
  version: number;
  status: 'draft' | 'published' | 'retired' | 'discarded';
  definition: Json<unknown>;
  note: string;
  author: string;
  created_at: Timestamp;
  published_at: Timestamp | null;
  effective_from: Timestamp | null;
  findings: ColumnType<unknown[], string | undefined, string>;
  policy_document: Json<PolicyDocument | null> | null;
  retired_at: Timestamp | null;
  discarded_by: string | null;
  discarded_at: Timestamp | null;
}
