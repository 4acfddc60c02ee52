import type { NoticeDef, WorkflowDefinition } from '../definitions/definition.types.ts';
import type { NoticeSettings } from './notice.settings.ts';

/** What a notice is made from, gathered inside the step's transaction. */
export interface NoticeFacts {
  definition: WorkflowDefinition;
  noticeKey: string;
  notice: NoticeDef;
  /** The event that issued the notice (its form data), and the state it left and entered. */
  event: { type: string; data: Record<string, unknown>; fromState: string | null; toState: string };
  caseData: Record<string, unknown>;
  /** Materials received so far (ids). */
  materials: string[];
  /** The case's short number (退报-2026-00123): the number the person quotes when asking about it. */
  caseNo: string;
  appliedAt: Date;
  dueAt: Date | null;
  /** When the entered state's timer runs out (a public notice's end, a 补正's period). */
  timerAt: Date | null;
  personName: string;
  addressee: string;
  station: string;
  organ: string;
  handler: string;
  number: string;
  code: string;
  verifyUrl: string;
  issuedAt: Date;
  settings: NoticeSettings;
  /** Delays the definition computes from the case's dates (src/notices/lateness.ts); a decision prints them. */
  lateness?: Field[];
}

export interface Field {
  label: string;
  value: string;
}
