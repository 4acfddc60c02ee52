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
  createdBy: string | null;
  /** The last machine entry still in effect: what four eyes and 撤回 look at (read from the row, not the history). */
  lastStep: LastStep;
  /** Someone other than `lastStep.actorId` (or the service) has written to the case since that step. */
  othersSinceStep: boolean;
  /** When the assignee claimed the step (认领), while that claim is what holds it. */
  claimedAt: Date | null;
}

/** The last machine entry in effect on a case (RECALL cancels the latest one), as the case row keeps it. */
export interface LastStep {
  seq: number;
  type: string;
  actorId: string | null;
  /** Sent by a batch (payments, yearly confirmation, batch actions): taken back in the batch, not the case. */
  byBatch: boolean;
  /** The step issued a notice, whose number is never withdrawn. */
  noticed: boolean;
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

/** What a step wrote: the case row and the history entry, and what the step's effects made (notices, child cases). */
export interface Written {
  row: Case;
  entry: WrittenEvent;
  effects?: { notices: boolean; children: boolean };
}
