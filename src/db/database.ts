import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Json, Timestamp } from './column-types.ts';
import type { AttachmentTable } from '../attachments/attachment.table.ts';
import type { DraftTable } from '../drafts/draft.table.ts';
import type { PaymentTables } from '../payments/payment.table.ts';
import type { RosterTables } from '../rosters/roster.table.ts';


export interface StationTable {
  id: string;
  parent_id: string | null;
  level: 'district' | 'town' | 'village';
  path: string;
  name_zh: string;
  name_en: string;
}

export type Role = 'clerk' | 'supervisor' | 'policy' | 'admin';

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

/** Wrong passwords in a row per user-name string and client address ('*': all addresses), and the lock they set (migration 0013). */
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

export interface SessionTable {
  token_hash: string;
  user_id: string;
  kind: 'cookie' | 'api';
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface PersonTable {
  id: string;
  name: string;
  /** AES-256-GCM ciphertext and keyed hash of the ID number; the phone's ciphertext (src/crypto/data-key.ts). */
  id_number_enc: string;
  id_number_hash: string;
  sex: 'male' | 'female';
  birth_date: ColumnType<string, string, string>;
  phone_enc: string | null;
  station_id: string;
  station_path: string;
  attributes: Json<Record<string, unknown>>;
  created_by: string;
  created_at: Timestamp;
}

export interface PersonRelationTable {
  person_id: string;
  related_person_id: string;
  relation: string;
}

/** A change of a person's particulars (migration 0014): values as text, sealed where the file seals them. */
export interface PersonCorrectionTable {
  id: string;
  person_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  reason: string;
  corrected_by: string;
  corrected_at: Timestamp;
}

/** A registration of an ID number another station holds, waiting for it (migration 0014). */
export interface PersonTransferTable {
  id: string;
  person_id: string;
  from_station_id: string;
  from_station_path: string;
  to_station_id: string;
  to_station_path: string;
  /** The name the registering clerk typed, for the holding station to compare. */
  name: string;
  status: 'pending' | 'accepted' | 'refused';
  requested_by: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
}

export interface WorkflowVersionTable {
  workflow_id: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  definition: Json<unknown>;
  note: string;
  author: string;
  created_at: Timestamp;
  published_at: Timestamp | null;
  effective_from: Timestamp | null;
  findings: ColumnType<unknown[], string | undefined, string>;
  policy_document: Json<PolicyDocument | null> | null;
  retired_at: Timestamp | null;
}

/** The policy document a version or a local standard implements, e.g. 新退役〔2026〕12号. */
export interface PolicyDocument {
  issuer: string;
  number: string;
  date: string;
}

export interface JobTable {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  params: Json<Record<string, unknown>>;
  progress: ColumnType<Record<string, unknown>, string | undefined, string>;
  result: Json<unknown> | null;
  error: string | null;
  created_by: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface LocalStandardTable {
  id: string;
  key: string;
  value: Json<unknown>;
  unit: string;
  effective_from: ColumnType<string, string, string>;
  policy_document: Json<PolicyDocument>;
  note: string;
  author: string;
  created_at: Timestamp;
}

export interface CaseTable {
  id: string;
  workflow_id: string;
  workflow_version: number;
  parent_case_id: string | null;
  person_id: string;
  applicant_id: string | null;
  payee_id: string | null;
  agent: Json<Record<string, unknown> | null> | null;
  station_id: string;
  station_path: string;
  state: string;
  status: 'open' | 'closed';
  exclusive: boolean;
  outcome: string | null;
  version: number;
  snapshot: Json<unknown>;
  step_level: string | null;
  due_at: Timestamp | null;
  assignee_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  timer_at: Timestamp | null;
  step_entered_at: Timestamp | null;
  last_event_at: Timestamp | null;
  due_uncertain: Generated<boolean>;
  paused_state: string | null;
  paused_working_days: number | null;
  overdue_at: Timestamp | null;
  escalated_at: Timestamp | null;
  escalated_to: string | null;
  /** The hash of the last history entry (src/cases/history-chain.ts), so a removed last entry shows too. */
  history_hash: Generated<string | null>;
  /** The period and roster of a case opened from a roster (migration 0007). */
  period: ColumnType<string | null, string | null | undefined, string | null>;
  roster_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CalendarDayTable {
  day: ColumnType<string, string, string>;
  workday: boolean;
  note: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

export interface CalendarYearTable {
  year: number;
  source: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

export interface CaseEventTable {
  case_id: string;
  seq: number;
  kind: 'machine' | 'admin';
  type: string;
  payload: Json<Record<string, unknown>>;
  actor_id: string | null;
  from_state: string | null;
  to_state: string | null;
  at: Timestamp;
  /** The case's clock before the step (src/cases/step-timing.ts), for 撤回 to restore. */
  prior_timing: ColumnType<unknown, string | null | undefined, never> | null;
  /** This entry's link in the case's hash chain (src/cases/history-chain.ts); written by appendEvents only. */
  hash: string;
}

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

export interface IdempotencyKeyTable {
  user_id: string;
  route: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

export interface DataKeyTable {
  kid: string;
  created_at: Timestamp;
}

export interface RevealLogTable {
  id: Generated<string>;
  user_id: string;
  subject: string;
  fields: Json<string[]>;
  at: Timestamp;
}

/** One row per case and period paid, beside the RECORD_PAYMENT entry that paid it (migration 0012). */
export interface PaymentRecordTable {
  case_id: string;
  period: string;
  event_seq: number;
  recorded_at: Timestamp;
}

export interface Database extends RosterTables, PaymentTables {
  stations: StationTable;
  users: UserTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  login_attempts: LoginAttemptTable;
  persons: PersonTable;
  person_relations: PersonRelationTable;
  person_corrections: PersonCorrectionTable;
  person_transfers: PersonTransferTable;
  workflow_versions: WorkflowVersionTable;
  cases: CaseTable;
  case_events: CaseEventTable;
  notices: NoticeTable;
  notice_counters: NoticeCounterTable;
  idempotency_keys: IdempotencyKeyTable;
  reveal_log: RevealLogTable;
  data_keys: DataKeyTable;
  calendar_days: CalendarDayTable;
  calendar_years: CalendarYearTable;
  jobs: JobTable;
  local_standards: LocalStandardTable;
  payment_records: PaymentRecordTable;
  attachments: AttachmentTable;
  page_drafts: DraftTable;
}

export type Db = Kysely<Database>;
/** Repositories take either the database or an open transaction as their first argument. */
export type Executor = Kysely<Database> | Transaction<Database>;
