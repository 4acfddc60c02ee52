import type { Day, Json, Timestamp } from '../db/column-types.ts';
import type { PolicyDocument } from '../definitions/policy-document.ts';

export interface LocalStandardTable {
  id: string;
  key: string;
  value: Json<unknown>;
  unit: string;
  effective_from: Day;
  policy_document: Json<PolicyDocument>;
  note: string;
  author: string;
  created_at: Timestamp;
}
