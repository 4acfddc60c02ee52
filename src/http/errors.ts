import type { ErrorCode } from '../messages/error.messages.ts';
import type { FieldError } from '../messages/field-error.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';

export type { ErrorCode };

/**
 * The HTTP status of every error a client can see. Every response that is not 2xx has the shape
 * `{code, message, errors?, allowedEvents?, currentVersion?, missingMaterials?, lastEntry?, currentStep?}`; `message`
 * follows Accept-Language
 * (the texts are in the message catalogue, src/messages/).
 */
export const errorStatus: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_REFUSED: 403,
  SYSTEM_EVENT: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  STALE_VERSION: 409,
  EVENT_NOT_ALLOWED: 409,
  CASE_ALREADY_OPEN: 409,
  PERSON_EXISTS: 409,
  CASE_CLOSED: 409,
  RECALL_REFUSED: 409,
  PAYMENT_ALREADY_RECORDED: 409,
  PAYMENT_IN_BATCH: 409,
  BATCH_RECORDING: 409,
  QUEUE_CLAIMED: 409,
  QUEUE_NOT_CLAIMED: 409,
  QUEUE_NO_HOLDER: 409,
  PUBLICATION_NOT_REQUESTED: 409,
  PUBLICATION_STALE: 409,
  PAYLOAD_TOO_LARGE: 413,
  ROSTER_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  EXPORT_TOO_MANY: 422,
  GUARD_FAILED: 422,
  NOT_ELIGIBLE: 422,
  IDEMPOTENCY_MISMATCH: 422,
  FOUR_EYES: 403,
  NO_PUBLISHED_VERSION: 422,
  TOO_MANY_REQUESTS: 429,
  TOO_MANY_LOGINS: 429,
  SESSION_LIMIT: 409,
  ACCOUNT_LOCKED: 423,
  IMPORT_BUSY: 503,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** What happened to a case after a version a client worked from (STALE_VERSION): who did what, at which step, when. */
export interface LastChange {
  seq: number;
  type: string;
  /** The event's label (an item's step) or the act's (意见, 转办, …). */
  label: { zh: string; en: string };
  /** The step the case was at when it happened; null for an entry outside the item's steps. */
  step: { zh: string; en: string } | null;
  /** null: the system (a deadline, an escalation). */
  actorName: string | null;
  at: string;
}

export interface ErrorExtras {
  errors?: FieldError[];
  allowedEvents?: unknown[];
  currentVersion?: number;
  /** What a refused step still lacks, named (GUARD_FAILED): the case's checklist is where to tick them. */
  missingMaterials?: { id: string; title: { zh: string; en: string } }[];
  /** STALE_VERSION: the change since the version the client sent, and the case's step now (null: closed). */
  lastEntry?: LastChange;
  currentStep?: { name: string; title: { zh: string; en: string } } | null;
  /** Overrides the catalogue text when the cause is more specific. */
  detail?: { zh: string; en: string };
  /** Sent as the Retry-After header (seconds), not in the body. */
  retryAfter?: number;
}

/** An error meant for the client: carries a catalogue code and optional field-level detail. */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(readonly code: ErrorCode, readonly extras: ErrorExtras = {}) {
    super(extras.detail?.en ?? message('en', code));
    this.statusCode = errorStatus[code];
  }
}

/** What the person is told of an AppError: its own detail when it has one, otherwise the catalogue's text. */
export function errorText(lang: Lang, err: AppError): string {
  return err.extras.detail?.[lang] ?? message(lang, err.code);
}
