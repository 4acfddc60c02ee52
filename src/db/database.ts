import type { Kysely, Transaction } from 'kysely';
import type { AttachmentTable } from '../attachments/attachment.table.ts';
import type { LoginAttemptTable, LoginFailureTable } from '../auth/login.table.ts';
import type { RevealLogTable } from '../auth/reveal-log.table.ts';
import type { SessionTable } from '../auth/session.table.ts';
import type { CalendarDayTable, CalendarYearTable } from '../calendar/calendar.table.ts';
import type { CaseEventTable } from '../cases/case-event.table.ts';
import type { CaseNumberCounterTable, CaseTable } from '../cases/case.table.ts';
import type { IdempotencyKeyTable } from '../cases/idempotency.table.ts';
import type { DataKeyTable } from '../crypto/data-key.table.ts';
import type { WorkflowVersionTable } from '../definitions/workflow.table.ts';
import type { DraftTable } from '../drafts/draft.table.ts';
import type { JobTable } from '../jobs/job.table.ts';
import type { NoticeCounterTable, NoticeTable } from '../notices/notice.table.ts';
import type { PaymentRecordTable } from '../payments/payment-record.table.ts';
import type { PaymentTables } from '../payments/payment.table.ts';
import type { PersonCorrectionTable, PersonRelationTable, PersonTable, PersonTransferTable } from '../persons/person.table.ts';
import type { LocalStandardTable } from '../policy/local-standard.table.ts';
import type { PublicationRequestTable } from '../policy/publication-request.table.ts';
import type { RosterTables } from '../rosters/roster.table.ts';
import type { StationTable } from '../stations/station.table.ts';
import type { UserTable } from '../users/user.table.ts';

/** Every table of the service, each declared by the feature that owns it (`<feature>/<feature>.table.ts`). */
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
  case_number_counters: CaseNumberCounterTable;
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
  publication_requests: PublicationRequestTable;
  payment_records: PaymentRecordTable;
  attachments: AttachmentTable;
  page_drafts: DraftTable;
}

export type Db = Kysely<Database>;
/** Repositories take either the database or an open transaction as their first argument. */
export type Executor = Kysely<Database> | Transaction<Database>;
