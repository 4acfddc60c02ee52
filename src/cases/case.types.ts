import type { CalendarService } from '../calendar/working-calendar.ts';
import type { Clock } from '../clock.ts';
import type { Db, Executor } from '../db/database.ts';
import type { WorkflowRegistry } from './workflow.registry.ts';
import type { StoredSnapshot } from '../engine/engine.ts';
import type { WrittenEvent } from './case-event.repository.ts';

/** A case as the service and its views see it: snapshot and agent opened. */
export interface Case {
  id: string;
  /** The short number people read (退报-2026-00123); `id` stays in URLs and the API. */
  caseNo: string;
  workflowId: string;
  workflowVersion: number;
  parentCaseId: string | null;
  personId: string;
  applicantId: string | null;
  payeeId: string | null;
  agent: Record<string, unknown> | null;
  stationId: string;
  stationPath: string;
  state: string;
  status: 'open' | 'closed';
  outcome: string | null;
  version: number;
  snapshot: StoredSnapshot;
  stepLevel: string | null;
  dueAt: Date | null;
  assigneeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  timerAt: Date | null;
  stepEnteredAt: Date | null;
  lastEventAt: Date | null;
  dueUncertain: boolean;
  pausedState: string | null;
  pausedWorkingDays: number | null;
  overdueAt: Date | null;
  escalatedAt: Date | null;
  escalatedTo: string | null;
}

/**
 * Runs inside a step's transaction once its history entry is written (`batchLine`: the payment batch
 * line the step pays, if any). Payments keep their record of paid periods through it
 * (src/payments/payment-record.repository.ts), so the case service need not know them.
 */
type AfterStep = (
  trx: Executor,
  c: { id: string; workflowId: string },
  entry: WrittenEvent,
  batchLine: string | undefined,
) => Promise<void>;

/** What the case service works with. */
export interface CaseDeps {
  db: Db;
  registry: WorkflowRegistry;
  clock: Clock;
  calendar: CalendarService;
  afterStep: AfterStep;
}

/** What a step wrote: the case row and the history entry. */
export interface Written {
  row: Case;
  entry: WrittenEvent;
}
