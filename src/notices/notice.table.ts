import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.ts';

export interface NoticeTable {
  id: string;
  case_id: string;
  event_seq: number;
  notice_key: string;
  kind: string;
  title: string;
  data: Json<Record<string, unknown>>;
  issued_by: string | null;
  issued_at: Timestamp;
  // Printed notices (migration 0002; src/notices/). Null in rows issued before numbering existed.
  district_id: string | null;
  year: number | null;
  serial: number | null;
  /** The notice kind whose number series the serial is in; '' before migration 0017 (one series). */
  series: string;
  code: string | null;
  number: string | null;
  template: string | null;
  content: string | null;
  content_sha256: string | null;
  verify_token: string | null;
  pdf: Buffer | null;
  sha256: string | null;
  rendered_at: Timestamp | null;
  render_attempts: Generated<number>;
  render_error: string | null;
}

export interface NoticeCounterTable {
  district_id: string;
  series: string;
  year: number;
  last_serial: number;
}
